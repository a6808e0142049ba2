"""Demo and synthetic data: the seeded demo journal and the generators behind it.

* :mod:`~kratom_journal.demo.journal`: doses, nights, moods and side effects of a
  simulated person; :mod:`~kratom_journal.demo.build` writes them, with the seeders
  below, into a journal of its own for ``kj demo``.
* :mod:`~kratom_journal.demo.questionnaires`, :mod:`~kratom_journal.demo.medicines`,
  :mod:`~kratom_journal.demo.experiment`, :mod:`~kratom_journal.demo.wearable`:
  seeders that add PHQ-9/GAD-7 answers, a declared medicine, a running
  self-experiment and watch/phone nights through the ordinary services.
* :mod:`~kratom_journal.demo.synthetic`: seeded wearable nights and export files in
  each vendor's format, for tests and benchmarks.

This package sits above the services (it calls them); nothing below it imports it.
"""
