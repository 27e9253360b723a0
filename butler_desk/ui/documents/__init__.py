"""The 文件发放 tab: the document register, notices, recipients, deliveries."""
