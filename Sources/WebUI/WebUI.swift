// Server-rendered HTML pages: alerts, rules, targets, silences, notifications, query.
