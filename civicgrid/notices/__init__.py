"""Notices (通知公告 / 新闻资讯 / 政策解读): written by street, community and grid staff for their own
subtree, read by the residents and staff in the notice's audience (issue 17, item 1)."""
