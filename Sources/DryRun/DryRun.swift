// The dry-run driver: replays a recording through rules and routing on a simulated clock.
