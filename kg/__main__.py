"""``python -m kg`` and the ``kg`` console script: kg.cli's command line, loaded with the collector paused.

Python's cyclic garbage collector runs after every few hundred new objects and
now and then walks all of them; importing click and kg's query path makes
~15,000 objects that live as long as the process, and collecting while they
were made cost a cold ``kg query`` ~7 ms. The collector is back on before the
command runs, and kg.cli.main freezes what the imports made, out of the sight
of every later collection.

``kg ask "QUESTION"`` and ``kg query NAME`` alone are run by kg.plain, without click (see
there), with the collector off throughout: they run one query and exit.

A Ctrl-C while the imports run (0.1-0.3 s) would land anywhere in Python's import
machinery and print a traceback; it is held until they are done, then ends the
command as click does: "Aborted!", exit status 1.
"""

import gc
import os
import signal
import sys


def main() -> None:
    """Console-script entry point (``kg``)."""
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    gc.disable()
    from kg.plain import plain_command

    plain = plain_command(sys.argv[1:], os.environ)
    if plain is None:
        try:
            from kg.cli import main as run_command
        finally:
            gc.enable()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    if plain is not None:
        from kg.plain import run

        sys.exit(run(*plain))
    run_command()


if __name__ == "__main__":
    main()
