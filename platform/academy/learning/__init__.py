"""Reading: module pages and progress."""
