"""Does a message ask about Curator itself (what it is, what it can do, how to use it) rather than for a task?

Four families: bare greetings and pleas for help; the bot as an entity ("who are you"); how to use it or one
of its features ("how does find work", "how do I ask for a drawing"); what it can do ("can you search docs?").
"""

from __future__ import annotations

import re

from bot.routing.kinds import Thread

_BOT = r"(?:you|ya|yourself|curator|this bot|the bot|this thing|this app)"
_FEATURE = (r"(?:/(?:draw|find|ask|curator)\b|(?:the )?(?:draw|find|ask|search|help) (?:command|feature|function|"
            r"option)s?|(?:your |the )?commands|(?:the )?syntax)")
_ACT = r"(?:draw|sketch|paint|make|create|generate|do|find|search|answer|read|edit|handle|help(?: me| us)?(?: with)?)"
_THINGS = (r"(?:pictures|images|drawings|art|diagrams|logos|illustrations|things|stuff|anything|questions|searches|"
           r"screenshots|photos|files|pdfs|documents|docs)")
_ONLY = re.compile(
    r"^(?:hi|hello|hey|hiya|howdy|yo|sup|what's up|good (?:morning|afternoon|evening)|greetings|hallo|hola|"
    r"help|help me|help me out|help out|halp|helpp*|i need help|\?+|options|what are the options|commands|"
    r"show (?:me )?(?:the |your )?commands|menu|usage|features|instructions|start|get started|getting started|"
    r"what can you do|what do you do|what are you|who are you|info|about|"
    r"help with (?:drawing|finding|searching|images|pictures|questions|asking|the bot|curator))"
    r"(?: there| curator| bot| you| all| everyone)?(?: please| pls)?[\s!?.:)]*$"
)
_SHAPES = [
    # the bot as an entity
    r"\b(?:who|what) (?:made|built|created|wrote|owns|runs|trained) you\b|\bwhat(?:'s| is) your name\b",
    r"\bare you (?:a bot|an ai|a person|a human|human|real|chatgpt|gemini)\b|\bis this (?:the )?curator\b",
    (r"\b(?:what|who) (?:are|r) you(?: exactly| really| for| good at| best at)?\s*\??$|"
     r"\bwhat do you do(?: exactly| here)?\s*\??$|"
     r"\btell me about (?:yourself|curator|this bot)\b"),
    r"\bwhat(?: is|'s) (?:this bot|curator|this thing)(?: for)?\b|\b(?:capable of|your purpose|what are you for)\b",
    # how to use it, or one of its features
    (rf"\bhow (?:do|can|should|would) (?:i|we) (?:use|talk to|ask|work with|get started with|interact with|make|get) "
    rf"{_BOT}\b"),
    rf"\bhow (?:do|can|should) (?:i|we) \w+(?: \w+){{0,4}} (?:with|from|using) {_BOT}\s*\??$",
    rf"\bhow (?:do|can|should|would) (?:i|we) (?:use|try) {_FEATURE}",
    (r"\bhow (?:do|can|should|would) (?:i|we) (?:ask|request) (?:you )?for (?:a |an )?(?:drawing|picture|image|"
    r"illustration|search)s?\b"),
    (rf"\bhow (?:does|do) (?:{_BOT}|draw|find|ask|search|drawing|finding|routing|{_FEATURE})(?: \w+){{0,3}} "
    r"(?:work|decide)s?\b"),
    rf"\bsyntax (?:for|of) (?:drawing|draw|find|finding|ask|asking|searching|{_FEATURE})|\bexplain {_FEATURE}",
    (r"\bdifference between (?:ask|draw|find),? (?:and|or) (?:ask|draw|find)\b|^how (?:do|can) (?:i|we) (?:get )?"
    r"start(?:ed)?\s*\??$"),
    rf"\b(?:tips|help|advice|guide|docs) (?:on|for|with|about) (?:using|talking to|working with) {_BOT}\b",
    rf"\b(?:help|docs|documentation|guide|manual|instructions|tutorial|faq)(?: page)? (?:for|on|about) {_BOT}\b",
    r"\bwhat (?:do|should) (?:i|we) (?:type|say|write) to\b|\bunderstand how to use\b|\bi'm new here\b",
    (rf"\bwhat (?:else )?(?:can|could|should|do) (?:i|we) (?:ask|do|say|type|write|use)(?: {_BOT})?"
     rf"(?: with {_BOT}| for)?\s*\??$"),
    rf"\bhow (?:do|can|would|should) (?:i|we) (?:make|get|ask) {_BOT} to\b",
    # what it can do
    (r"\bwhat(?: \w+){0,4}? (?:can|could|do|does|will) (?:you|curator|it|this bot|the bot|this thing) (?:do|offer|"
     r"support|handle|help(?: me| us)?(?: with)?)\b(?: for (?:me|us)| exactly)?\s*\??$"),
    rf"\b(?:things|stuff) (?:that )?{_BOT} (?:can|could) do\b|\bwhat (?:are|r) you able to do\b",
    r"\bhow (?:can|could|might|do|will) (?:you|curator|this bot|the bot) help(?: me| us)?\s*\??$",
    rf"\b(?:tell|show|explain)(?: to)?(?: me)? what {_BOT} (?:can |could )?do\b",
    r"^what (?:do|can) (?:you|curator) know(?: about)?\s*\??$",
    (r"\b(?:your|curator's|the bot's) (?:features|commands|abilities|skills|capabilities|options|limits|powers|"
     r"uses)\b"),
    (r"\b(?:what|which|list) (?:are )?(?:the |your |of )?(?:the )?(?:commands|features|capabilities)(?: (?:do|does|can) "
     r"(?:you|curator|this bot|it) (?:have|support|know|offer)| (?:are there|exist|are available)| of (?:curator|"
     r"this bot|the bot|yours))?\s*\??$"),
    rf"^(?:can|could) {_BOT} help(?: me| us)?(?: (?:with )?(?:something|anything|out|a question|a few things))?\s*\??$",
    rf"^(?:can|could|do|will) {_BOT} (?:also )?{_ACT}(?: me)?(?: \w+)?(?: {_THINGS})?(?: too| as well| also)?\s*\??$",
    rf"^(?:are you able to|is it possible to|can i) (?:get {_BOT} to )?{_ACT}(?: {_THINGS})?\s*\??$",
    (rf"\bwhat (?:kinds?|sorts?|types?) of (?:\w+ ){{0,2}}(?:can|could|do|will|should) (?:{_BOT}|i|we) (?:make|draw|"
    r"do|answer|find|create|generate|handle|ask)\b"),
    rf"\b(?:can|could|do) {_BOT} do (?:besides|other than|apart from)\b|\bbesides answering\b",
]
_SHAPE = re.compile("|".join(f"(?:{shape})" for shape in _SHAPES))
_THIS_WORKS = re.compile(r"^(?:so |i'm lost,? )?how (?:does|do) (?:this|it) work\s*\??$")


def about_the_bot(text: str, thread: Thread | None) -> bool:
    """Whether lower-case, spelled-out text asks what Curator is, can do, or how to use it."""
    if _ONLY.match(text) or _SHAPE.search(text):
        return True
    return thread is None and bool(_THIS_WORKS.match(re.sub(r"^(?:hey|hi|ok|so)\b[\s,!]*", "", text)))
