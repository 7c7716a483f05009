"""Views of the indicators app, one module per area of work: `pages` (home and indicator
pages), `entry` (monthly and quarterly data entry), `review` (completeness, approval, figure
history) and `targets`. Every view is thin: access through `accounts.access` (via the
selectors), one service or selector, render."""
