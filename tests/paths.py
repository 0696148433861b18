"""Where the tests find the repository, its fixtures and ../shared, wherever a test module sits."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SHARED_DIR = REPO_ROOT.parent / "shared"
