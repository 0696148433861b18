"""How the verifier reaches the network: one SSRF-safe fetcher, its URL policy and its HTTP client."""
