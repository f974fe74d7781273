// The simulated Gatewayz backend that `klaxon demo` scrapes.
