"""Development tools that are not part of the bot (never shipped in the `bot` package).

    synapse.py  a throw-away Synapse on loopback, for tests, benchmarks and the demo
    demo.py     the README's demo (`python -m bot demo`, `python -m bot chat --matrix`)
    person.py   a person on an E2EE nio client, for the demo and the benchmarks
"""
