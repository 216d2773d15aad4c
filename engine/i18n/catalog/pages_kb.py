"""The public knowledge-base pages (search, article, vote) and the search box beside a staff task."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "page.kb.search_label": {"zh-CN": "搜索问题", "en": "Search the answers"},
    "page.kb.search_placeholder": {"zh-CN": "输入关键词,如:停车费", "en": "Type a few words, e.g. parking fee"},
    "page.kb.search": {"zh-CN": "搜索", "en": "Search"},
    "page.kb.no_results": {"zh-CN": "没有找到相关文章,换个词试试", "en": "No article found; try other words"},
    "page.kb.back": {"zh-CN": "返回搜索", "en": "Back to search"},
    "page.kb.was_helpful": {"zh-CN": "这篇文章对您有帮助吗?", "en": "Did this article help you?"},
    "page.kb.helpful": {"zh-CN": "有帮助", "en": "Helpful"},
    "page.kb.unhelpful": {"zh-CN": "没帮助", "en": "Not helpful"},
    "page.kb.counts": {
        "zh-CN": "读者评价:{helpful} 人认为有帮助,{unhelpful} 人认为没帮助",
        "en": "Readers: {helpful} found it helpful, {unhelpful} did not",
    },
    "page.kb.thanks": {"zh-CN": "感谢您的反馈", "en": "Thank you for your feedback"},
    "page.kb.voted_before": {
        "zh-CN": "您已经评价过这篇文章了",
        "en": "You have already rated this article",
    },
    "page.kb.too_many_votes": {
        "zh-CN": "评价太频繁,请一分钟后再试",
        "en": "Too many votes from here; please try again in a minute",
    },
    "page.kb.vote_helpful_required": {
        "zh-CN": "请说明是否有帮助(“helpful”为 true 或 false)",
        "en": "Say whether it helped ('helpful': true or false)",
    },
    # the search box beside a staff task page
    "page.tasks.kb_heading": {"zh-CN": "查知识库", "en": "Knowledge base"},
    "page.tasks.kb_placeholder": {"zh-CN": "搜索文章,如:停车费", "en": "Search articles, e.g. parking fee"},
    "page.tasks.kb_search": {"zh-CN": "搜索", "en": "Search"},
    "page.tasks.kb_none": {"zh-CN": "没有找到相关文章", "en": "No article found"},
}
