"""The 投诉报修 tab: the list, filters, detail, intake, steps, 回访 and the service log's paper."""
