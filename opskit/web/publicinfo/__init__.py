"""``web.public-info``: whether a court's website carries the public information the law requires.

catalogue (what must be published, validated YAML) -> crawl (a polite,
bounded read of the site) -> match and judge (a verdict per item) ->
score (per category and overall) -> audit (results for history).
"""
