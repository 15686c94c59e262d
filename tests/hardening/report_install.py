"""report.py's install() when the second of its two renames fails.

An earlier report at DIR is replaced in two steps: DIR is renamed to
DIR.old.<pid>, then DIR.tmp.<pid> to DIR. When the second rename failed
(another process made DIR meanwhile, a file system error), the OSError
was reported and the temporary removed, but the earlier report stayed at
DIR.old.<pid>: nothing was left at the output path and the previous
report was hidden under a name no one looks for. Checked: install()
raises the OSError, DIR holds the earlier report again, unchanged, and
no DIR.old.<pid> is left.
usage: report_install.py SRC
"""
import errno
import importlib.util
import os
import shutil
import sys
import tempfile

src = sys.argv[1]
spec = importlib.util.spec_from_file_location("minrisk_report", os.path.join(src, "out", "report.py"))
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

work = tempfile.mkdtemp(prefix="report-install-")
out_dir, tmp = os.path.join(work, "rep"), os.path.join(work, "rep.tmp.1")
for d, text in ((out_dir, "earlier"), (tmp, "new")):
    os.mkdir(d)
    with open(os.path.join(d, "report.html"), "w") as f:
        f.write(text)

real_rename, calls = os.rename, []


def failing_rename(a, b):
    calls.append((a, b))
    if len(calls) == 2:  # the temporary over DIR
        raise OSError(errno.EEXIST, "File exists", b)
    real_rename(a, b)


os.rename = failing_rename
fails = []
try:
    report.install(tmp, out_dir)
    fails.append("install() did not raise when the rename of the temporary failed")
except OSError:
    pass
finally:
    os.rename = real_rename
try:
    with open(os.path.join(out_dir, "report.html")) as f:
        if f.read() != "earlier":
            fails.append("%s does not hold the earlier report" % out_dir)
except OSError as e:
    fails.append("the earlier report is not at %s: %s" % (out_dir, e))
left = sorted(n for n in os.listdir(work) if ".old." in n)
if left:
    fails.append("left behind: %s" % ", ".join(left))
shutil.rmtree(work, ignore_errors=True)
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
