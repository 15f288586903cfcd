# The browser fixtures, for the contracts' own browser test.
from tests.browser.conftest import browser, new_page  # noqa: F401
