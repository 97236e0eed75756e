"""Word classes the routing rules read: verbs and objects of image requests, search requests, questions.

Every pattern works on lower-case text from `text.readable`. They are regular-expression fragments, so
the rules can say "a request verb, then within a few words a picture noun" without a parser.
"""

from __future__ import annotations

import functools
import re

# Common misspellings of the words that decide a route (a typo must not turn a drawing into a question).
TYPOS = {
    "drw": "draw", "darw": "draw", "drwa": "draw", "dra": "draw", "skech": "sketch", "sketh": "sketch",
    "scetch": "sketch", "skecth": "sketch", "piant": "paint", "genrate": "generate", "genarate": "generate",
    "gernerate": "generate", "generte": "generate", "creat": "create", "craete": "create", "ilustrate": "illustrate",
    "illustarte": "illustrate", "imge": "image", "imgae": "image", "iamge": "image", "img": "image",
    "picutre": "picture", "pictrue": "picture", "pitcure": "picture", "pciture": "picture", "ilustration": "illustration",
    "illustation": "illustration", "diagarm": "diagram", "diagramm": "diagram", "diargam": "diagram",
    "screenshto": "screenshot", "sreenshot": "screenshot", "logoo": "logo", "postr": "poster", "u": "you",
    "ur": "your", "pls": "please", "plz": "please", "plss": "please", "smth": "something", "sth": "something",
    "pic": "picture", "pics": "pictures", "pix": "pictures", "wanna": "want to", "gimme": "give me",
    "whats": "what's", "wheres": "where's", "hows": "how's", "thx": "thanks", "ty": "thanks",
    "dont": "don't", "cant": "can't", "isnt": "isn't", "doesnt": "doesn't", "cud": "could",
    "wud": "would", "cn": "can", "colour": "color", "watercolour": "watercolor", "visualise": "visualize",
}
_TYPO_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, TYPOS), key=len, reverse=True)) + r")\b")
# Words worth correcting one slip away from ("genreate", "skecth"); short or crowded words ("paint": "point",
# "render": "reader") are left to the list above, and these real words are never "corrected".
FUZZY = ("generate", "create", "sketch", "illustrate", "illustration", "picture", "drawing", "diagram",
         "screenshot", "photograph", "image", "poster", "visualize", "imagine")
REAL_WORDS = frozenset({"crate", "created", "creates", "imago", "mage", "imaged", "posted", "poser", "roster",
                        "images", "pictures", "drawings", "diagrams", "posters", "sketchy", "pictured",
                        "generated", "generates", "imagined", "imagines", "illustrated", "illustrates"})
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[a-z]{4,}")


def spell(text: str) -> str:
    """Lower-case text with common misspellings and chat shorthand written out."""
    text = _TYPO_WORD.sub(lambda m: TYPOS[m.group(1)], text.lower())
    return _WORD.sub(lambda m: _near_misses().get(m.group(0), m.group(0)), text)


@functools.cache
def _near_misses() -> dict[str, str]:
    """Every one-slip variant of the FUZZY words (substitutions only for words of 7+ letters)."""
    variants: dict[str, str] = {}
    for word in FUZZY:
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b for a, b in splits[1:-1] for c in _LETTERS}
        if len(word) >= 7:
            edits |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
        for edit in edits - REAL_WORDS - {word}:
            variants.setdefault(edit, word)
    return variants


def words(*alternatives: str) -> str:
    """A non-capturing group of whole-word alternatives."""
    return r"\b(?:" + "|".join(alternatives) + r")\b"


# Verbs whose object is a picture, whatever the object is ("sketch a cabin").
CREATIVE = words(r"draw(?!\.io)", "sketch", "paint", "illustrate", "doodle", "visualize", "imagine",
                 "depict", "caricature", "cartoonify", "animate", "envision", "picture(?= (?:this|a|an|me|some)\\b)")
# Verbs that make a picture only when the object is one ("create a logo", not "create a repo").
MAKING = words("make", "create", "generate", "produce", "render", "design", "whip up", "come up with", "mock up",
               "craft", "put together", "do(?= (?:a|an|me|us|some|one)\\b)", "turn", "build", "paint me",
               "draw me", "sketch me", "cook up", "knock up", "dream up", "conjure up", "throw together", "draft")
# Nouns that are pictures in any context.
PICTURE = (r"\b(?:images?|pictures?|illustrations?|drawings?|sketch(?:es)?|paintings?|portraits?|logos?|icons?|"
           r"posters?|banners?|stickers?|emojis?|emoji|avatars?|mascots?|wallpapers?|cartoons?|comics?|"
           r"comic strips?|memes?|artworks?|art|clip ?art|graphics?|infographics?|doodles?|watercolors?|"
           r"renders?|renderings?|caricatures?|gifs?|pixel art|character designs?|illos?|visuals?)\b")
# Nouns that are pictures when something is made of them ("a birthday card", "a slide background").
MADE = (r"\b(?:cards?|headers?|backgrounds?|covers?|thumbnails?|flyers?|postcards?|invitations?|invites?|"
        r"designs?|scenes?|landscapes?|characters?|photos?|versions?|mock-?ups?|badges?|emblems?|"
        r"prints?|murals?|diagrams?|maps?|charts?|splash (?:screen|image)s?|hero (?:image|shot)s?)\b")
# What people search the knowledge base for when they want to see something that exists.
VISUAL = (r"\b(?:diagrams?|screenshots?|screen ?shots?|screen ?caps?|photos?|photographs?|pictures?|images?|"
          r"slides?|slide ?decks?|decks?|charts?|flow ?charts?|floor ?plans?|maps?|erds?|org ?charts?|visuals?|"
          r"pngs?|jpe?gs?|svgs?|gifs?|mock-?ups?|wireframes?|whiteboards?|illustrations?|figures?|graphs?|"
          r"schematics?|blueprints?|topolog(?:y|ies)|drawings?|logos?|icons?|renders?|recordings?|sketch(?:es)?)\b")
# Styles and generation flags: a description of a picture to make.
STYLE = (r"(?:--(?:ar|no|seed|n)\b|\b(?:watercolou?r|oil painting|pixel art|low-?poly|isometric|3d|anime|manga|"
         r"cartoon(?:ish)?|comic(?: book)? style|cinematic|photo-?realistic|realistic|hyper-?realistic|art deco|"
         r"art nouveau|retro|vintage|neon|flat(?: vector)?|vector|lo-?fi|minimalist|minimal|charcoal|pencil|"
         r"pastel|ink|line art|vaporwave|synthwave|steampunk|cyberpunk|impressionist|surreal|whimsical|"
         r"claymation|studio ghibli|pixar|disney|cute|kawaii|stylized|in the style of|\w+-style|\w+ style)\b)")
# "image" in other senses: containers, disks, accounts and ID photos are not pictures to draw.
NOT_A_PICTURE = (r"\b(?:docker|container|disk|vm|virtual machine|base|os|system|iso|boot|machine|runner|ci|ami|"
                 r"golden|node|server|build|oci|sandbox|devcontainer|kernel|firmware|backup|latest|python|"
                 r"node\.?js|ubuntu|alpine|debian)\s+images?\b|\bimages?\s+(?:registry|tag|digest|size|layer|"
                 r"pull|build|repo)|\bre-?imag(?:e|ed|es|ing)\b|\bprofile (?:picture|photo|pic|image)s?\b|"
                 r"\bhead ?shots?\b|\bbadge (?:photo|picture|pic)s?\b|\b(?:picture|photo)s? taken\b|"
                 r"\bhelm charts?\b|\bdesign (?:docs?|reviews?|systems?|tokens?|patterns?|specs?|templates?)\b|"
                 r"\bdraw (?:up|down|on|from|a comparison|comparisons|conclusions?|the line|attention|lessons|a blank|"
                 r"inspiration)\b|\bdrawdowns?\b|\bbig picture\b|\b(?:paint|draw|give) (?:me )?(?:a |the )?(?:picture|"
                 r"image) of (?:how|why|what|where|when|whether)\b|\b(?:photos?|pictures?|pics?|headshots?) for (?:my|the|"
                 r"our|your|a) (?:new )?(?:badge|profile|id|passport|directory|slack|okta|workday|linkedin)\b")
# Drawing and diagram tools: "how do I draw a box in Figma" is a question about the tool.
TOOLS = words("figma", "sketch app", "photoshop", "illustrator", "indesign", "canva", "miro", "mural", "lucid",
              "lucidchart", r"draw\.io", r"diagrams\.net", "excalidraw", "visio", "google slides", "google docs",
              "google drawings", "keynote", "powerpoint", "ppt", "preview", "procreate", "midjourney",
              "dall-?e", "stable diffusion", "firefly", "inkscape", "gimp", "blender", "paint\\.net", "ms paint",
              "mspaint", "ms word", "excel", "confluence", "notion", "whimsical", "mermaid", "plantuml", "omnigraffle",
              "affinity", "krita", "framer", "invision", "zeplin", "jira", "the whiteboard", "whiteboard app",
              "adobe", "acrobat", "ipad", "apple pencil", "tablet", "wacom", "app", "tool", "software",
              "program", "plugin", "plug-in", "extension", "shortcut", "keyboard shortcut", "licen[cs]es?")
# Words of searching for something that exists.
SEARCH = (r"(?:\bfind\b|\bsearch(?: for)?\b|\blook(?:ing)? (?:for|up)\b|\blocate\b|\bdig up\b|\bpull up\b|"
          r"\bbring up\b|\bfetch\b|\bshare\b|\bsend (?:me|over)\b|\bshow me\b|\bshow us\b|\blink (?:me )?to\b|"
          r"\bwhere(?:'s| is| are| was| were| can i (?:find|see)| do (?:i|we) (?:find|keep)| did (?:we|you|someone) "
          r"(?:put|save|store)| would i find)\b|\bdo (?:we|you) have\b|"
          r"\bdoes (?:anyone|anybody|someone) have\b|\bhave (?:we|you) got\b|\bgot (?:a|an|any|the)\b|^any\b|"
          r"\bis there (?:a|an|any)\b|\bare there (?:any )?\b|\bcan i see\b|\bcould i see\b|\blet me see\b|"
          r"\bi need the\b|\bneed the\b|\bi'm after\b|\bhunting for\b|\btrying to find\b|\bneed to find\b|"
          r"\bcan't find\b|\bexisting\b|\balready have\b|\bsomewhere\b|\bin the kb\b|\bin the knowledge base\b|"
          r"\bon the wiki\b|\bin the wiki\b|\bpic(?:ture)?s? from\b|\bphotos? from\b|\bimages? from\b)")
# Opening words of a question that asks for information (not "can you draw ...", a request).
QUESTION = (r"^(?:how(?! about)|what(?! about| if)|why|when|where|who|whom|which|whose|is|are|was|were|am|does|"
            r"did|do (?:i|we|they|people|employees|contractors|managers)|should|shall|has|have|any (?:idea|ideas|"
            r"tips|advice|way)|can (?:i|we|they|people|contractors|employees|managers|someone|anyone)|"
            r"could (?:i|we)|may (?:i|we)|am i|are we|is it|is there|are there|will (?:i|we|it|my|our|the)|"
            r"would (?:i|we|it)|tell me|explain|help me (?!understand how to use)|i (?:wonder|was wondering)|"
            r"do you know|does anyone know|quick q)\b|\bany (?:ideas|idea|tips|advice|thoughts|suggestions)\b")
# Asking the bot to do something: "can you ...", "please ...", "I'd love ...".
REQUEST = (r"(?:\b(?:can|could|would|will|may) (?:you|ya)\b(?: please| possibly| maybe| quickly| just| kindly)?|"
           r"\bplease\b|\bkindly\b|\bi(?:'d| would)? (?:really )?(?:love|like|want|need)\b|\bwe(?:'d| would)? "
           r"(?:really )?(?:love|like|want|need)\b|^(?:need|want|would love|love|wanted)\b|\bi'm (?:after|hoping for)\b|"
           r"\b(?:can|could|may) (?:i|we) (?:get|have|grab|borrow|see)\b|\bgive me\b|\bget me\b|\bhow about\b|"
           r"\bwhat about\b|\bany chance (?:of|you could|you can)\b|\bwould it be possible\b|\bis it possible\b|"
           r"\bi was hoping\b|\blet's (?:have|get|see|make|do)\b|\bmind (?:making|drawing|creating)\b)")
# Bare reactions under a drawing or an answer: not an instruction.
REACTION = re.compile(
    r"^(?:(?:thanks|thank you|thank u|cheers|ta|perfect|great|awesome|amazing|love it|love this|lovely|nice|"
    r"cool|neat|wow|lol|haha+|ha|omg|brilliant|excellent|beautiful|sweet|good job|well done|nailed it|"
    r"that's great|this is great|so good|fantastic|super|ok|okay|k|got it|works|exactly|yes|yep|yay|"
    r"looks good|looks great|good|fine|sure|noted|very nice|this is perfect|that's perfect|ok thanks|"
    r"that's it|spot on|nice one|good one|great one|cool one|much appreciated|appreciated|ace|gorgeous|stunning|"
    r"close|almost|so close|not bad|hmm+)\b[\s!.,]*)+$")
