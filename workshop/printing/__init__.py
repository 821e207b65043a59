"""Everything printed or downloaded: the workshop summary, handouts and guide, the couple's
plan, the HTML and PDF helpers they share, and the charts."""
