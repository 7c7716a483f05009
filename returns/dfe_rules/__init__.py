"""The DfE's validation rules for the statutory returns (issue 19), per collection year.

Each rule is data and a small pure function. The data, one CSV file or more per return and
collection year under ``<return>/<year>/`` (``ssda903/2026/*.csv`` is the 2025/26 collection,
the year to 31 March 2026), gives the DfE's code, its message, the fields it points at, its
severity and the name of the function that checks it. The functions, in the modules beside
them, are registered by name (`engine.RuleBook.check`). Next year's changes are a new folder
whose CSV rows name the same functions where the rule is unchanged and new ones where it is
not: no year's set is ever edited for another's sake.

A function takes the return's tables (`engine.ReturnTables`: polars frames of text, one per
table, with each row's number in its table) and gives the rows that fail, as a frame with
``table``, ``row`` and ``CHILD`` (see `engine.failing`). Vectorised: a whole rule is a few
frame operations, so the full set over 100,000 episodes takes about a second. Nothing here
touches Django or the database; what the rules find is turned into findings, counts and the
error report by `returns.kinds.statutory`.
"""
