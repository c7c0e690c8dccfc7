"""``python -m kg`` and the ``kg`` console script: kg.cli's command line, loaded with the collector paused.

Python's cyclic garbage collector runs after every few hundred new objects and
now and then walks all of them; importing click and kg's query path makes
~15,000 objects that live as long as the process, and collecting while they
were made cost a cold ``kg query`` ~7 ms. The collector is back on before the
command runs, and kg.cli.main freezes what the imports made, out of the sight
of every later collection.

``kg ask "QUESTION"`` alone is answered by kg.plain_ask, without click (see there),
with the collector off throughout: it answers one question and exits.
"""

import gc
import os
import sys


def main() -> None:
    """Console-script entry point (``kg``)."""
    gc.disable()
    from kg.plain_ask import plain_question

    question = plain_question(sys.argv[1:], os.environ)
    if question is not None:
        from kg.plain_ask import answer

        sys.exit(answer(question))
    try:
        from kg.cli import main as cli_main
    finally:
        gc.enable()
    cli_main()


if __name__ == "__main__":
    main()
