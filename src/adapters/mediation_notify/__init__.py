"""Notifiers: log, SMTP email, a generic JSON webhook, DingTalk and WeCom group robots, and an
SMS-gateway webhook. Registered by the ``notify`` entry point; each imports its library only
when a deployment opens it."""
