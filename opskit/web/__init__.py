"""Website monitoring: availability, TLS, domain, DNS, freshness, integrity, links, exposure.

Each check has a probe that gathers facts over the network (always with a
timeout) and a pure evaluator that turns facts and the site's thresholds
into results, so evaluators are tested on captured data as well as end to
end. ``runner`` runs every (site, check) pair in a bounded pool.
"""
