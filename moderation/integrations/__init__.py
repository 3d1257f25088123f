"""Plug-ins for the pipelines scraping and data teams already run. Each needs its own extra and is imported
by its full name, so importing ``moderation`` never imports them:

- ``moderation.integrations.scrapy``: ``ModerationPipeline``, a Scrapy item pipeline
  (``pip install 'moderation[scrapy]'``);
- ``moderation.integrations.datatrove``: ``ModerationFilter`` and ``ModerationFormatter`` for datatrove
  pipelines (``pip install 'moderation[datatrove]'``).
"""
