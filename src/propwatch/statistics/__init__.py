"""Statistics over a corpus store: SQL aggregates, bootstrap intervals, rates corrected for the
detector's error, topics, drill-down queries and the rows every format writes."""
