"""report/ - the report generator of `minrisk report`, run as out/report.py
(its docstring says what it does). Imported as a package (minrisk.plot, as
minrisk._report; the tests), it holds every module's names.

SCRIPT: run as the script (out/report.py sets it before this runs): the
figures are drawn off screen (matplotlib's Agg backend)."""

SCRIPT = globals().get("SCRIPT", False)

from .base import *  # noqa: E402,F401,F403
from .base import _MISSING, _MPL_TMP  # noqa: E402,F401
from .figures import *  # noqa: E402,F401,F403
from .page import *  # noqa: E402,F401,F403
from .sweep import *  # noqa: E402,F401,F403
from .multi import *  # noqa: E402,F401,F403
from .uncertainty import *  # noqa: E402,F401,F403
from .driver import *  # noqa: E402,F401,F403
from .driver import _PARENT, _SIGNALLED, _ignore_signals  # noqa: E402,F401
