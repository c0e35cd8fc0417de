"""The declarations of every rule, in the order the README lists them."""

from __future__ import annotations

from rarereg.findings import Severity
from rarereg.rules import Input, Rule, Scope, Stage

E, W = Severity.ERROR, Severity.WARNING
_PARSE = "rarereg.yamlstrict:parse_bytes"
_READ = "rarereg.loader:read_entry"
_LIST = "rarereg.loader:list_files"
_CROSS = "rarereg.checks:run"
_TEXT, _PATH = Input.FILE_TEXT, Input.FILE_PATH
_FILE = Input.PARSED_FILE
_REG = Input.PARSED_FILE | Input.REGISTRY


def _text(code: str, severity: Severity, summary: str, description: str, **kw: object) -> Rule:
    readable = bool(kw.get("readable", True))
    checker = str(kw.get("checker", _PARSE))
    return Rule(
        code, severity, summary, description, Scope.FILE_TEXT, _TEXT, checker, readable, Stage.LOAD
    )


RULES: tuple[Rule, ...] = (
    _text(
        "yaml-syntax",
        E,
        "not valid YAML (tabs for indentation, unclosed brackets…)",
        "The file is not valid YAML, so nothing in it can be checked. The finding points at the "
        "first place the parser could not read; tabs used for indentation are the usual cause.",
        readable=False,
    ),
    _text(
        "duplicate-key",
        E,
        "the same key twice in one mapping",
        "A key appears twice in one mapping. YAML readers disagree on which value wins (most keep "
        "the last silently), so keep one of them.",
    ),
    _text(
        "yaml-anchor",
        E,
        "an anchor (`&name`): anchors are refused",
        "Anchors and aliases let a small file expand into a huge one (billion laughs) and make "
        "values hard to review. Write every value out in full.",
        readable=False,
    ),
    _text(
        "yaml-alias",
        E,
        "an alias (`*name`): aliases are refused",
        "Aliases repeat a value defined elsewhere in the file; they are refused for the same "
        "reasons as anchors. Write the value out in full.",
        readable=False,
    ),
    _text(
        "yaml-tag",
        E,
        "a tag (`!!python/object…`): tags are refused",
        "Tags ask a YAML reader to build objects, and some readers run code for them. Nothing in "
        "a registry file needs one: quote the value if it is text.",
        readable=False,
    ),
    _text(
        "complex-key",
        E,
        "a mapping key that is a list or a mapping",
        "Mapping keys are plain text in registry files; a list or mapping used as a key cannot be "
        "represented in JSON or checked against a schema.",
        readable=False,
    ),
    _text(
        "empty-file",
        E,
        "the file holds no YAML document",
        "An empty file (or one holding only comments) describes nothing. A registry file holds "
        "exactly one mapping.",
        readable=False,
    ),
    _text(
        "not-a-mapping",
        E,
        "the top level is a list or a single value",
        "A registry file holds one mapping of keys (id, name, sources…); a list or a single value "
        "at the top level is refused.",
        readable=False,
    ),
    _text(
        "multiple-documents",
        E,
        "more than one YAML document (`---`) in the file",
        "A registry file describes one entity in one document; a second `---` document would be "
        "ignored by some readers and read by others.",
        readable=False,
    ),
    _text(
        "encoding",
        E,
        "not UTF-8 text (or a binary file)",
        "Registry files are UTF-8 text. A byte that is not UTF-8, or a NUL byte, means the file "
        "was saved in another encoding or is not text: save it as UTF-8.",
        readable=False,
    ),
    _text(
        "file-too-large",
        E,
        "over 1 MiB: refused by its size before being read",
        "A registry file is about a kilobyte; one over 1 MiB is a mistake or an attack and is "
        "refused by its size, without being read.",
        readable=False,
        checker=_READ,
    ),
    _text(
        "too-deep",
        E,
        "nested over 64 levels",
        "Registry files nest five levels at most; deeper nesting is refused while parsing, "
        "before anything is built, so that no reader runs out of stack.",
        readable=False,
    ),
    _text(
        "too-large",
        E,
        "over 100,000 values in one file",
        "The number of values in one file is bounded so that the work per file is bounded "
        "whatever its shape.",
        readable=False,
    ),
    _text(
        "unreadable",
        E,
        "the file cannot be read (permissions, a folder, it vanished)",
        "The operating system refused to read the file, or it is a folder named like a registry "
        "file, or it disappeared while the registry was read.",
        readable=False,
        checker=_READ,
    ),
    _text(
        "ambiguous-value",
        E,
        "an unquoted `no`, `on`, `010780054`… that YAML readers disagree on: quote it",
        "Unquoted `no`/`yes`/`on`/`off`, leading-zero and sexagesimal numbers are read as text by "
        "rarereg, as a boolean or number by others (`010780054` is 10780054 to YAML 1.2 readers "
        "such as yq, and `010000024` the octal 2097172 to PyYAML). Integers past 2^53 are "
        "rounded by JavaScript and many JSON readers, and refused by Python past 4,300 digits. "
        "Quote the value so every reader sees the same text.",
    ),
    _text(
        "comment-in-value",
        E,
        "`name: Centre #3 Lyon` stores `Centre`: quote the value",
        "In YAML, ` #` starts a comment, so an unquoted value is cut before it and the rest is "
        "lost without a word. Quote the value if the rest belongs to it.",
    ),
    _text(
        "bom",
        W,
        "the file starts with a byte-order mark",
        "A UTF-8 file needs no byte-order mark; some tools show it as stray characters. It is "
        "dropped before reading: remove it.",
    ),
    _text(
        "control-character",
        E,
        "a control character (U+0000–U+001F except tab and line breaks, U+007F–U+009F) in a value, "
        "or an invisible U+2028/U+2029 separator or zero-width character",
        "Control characters are invisible or move the cursor when printed, so what a reviewer "
        "sees differs from what is stored. Remove them (they usually come from a copy and paste). "
        "U+0085, U+2028 and U+2029 anywhere in a file are line breaks to some YAML readers "
        "(PyYAML) and not to others, so they would read different keys and values.",
    ),
    _text(
        "bidi-control",
        E,
        "a bidirectional control (U+202E…) in a value",
        "Bidirectional overrides, embeddings, isolates and marks change the order in which text "
        "is displayed, so a value can read differently from what it holds (Trojan Source). "
        "Remove them.",
    ),
    _text(
        "stray-bom",
        E,
        "a byte-order mark (U+FEFF) inside a value",
        "A zero-width no-break space inside a value makes two names that look the same compare "
        "different. Remove it.",
    ),
    Rule(
        "schema",
        E,
        "a field is missing, unknown, of the wrong type or form",
        "The file does not match its kind's JSON Schema: a required field is missing, a field is "
        "unknown (typos included), or a value has the wrong type or form. Patterns match whole "
        "values: a trailing line break does not pass.",
        Scope.FILE,
        _FILE | Input.SCHEMAS,
        "rarereg.schemas:check",
        stage=Stage.FILE,
    ),
    Rule(
        "id-mismatch",
        E,
        "the id is not the file name",
        "A file's `id` must equal its file name without `.yaml`, so that a reference can be "
        "followed to its file by name.",
        Scope.FILE,
        _FILE | _PATH,
        _CROSS,
    ),
    Rule(
        "duplicate-id",
        E,
        "two files claim one id: the one not named after it, or both if both are",
        "Ids are unique across the registry. When two files claim one id, the file named after "
        "it keeps it and the other is reported and left out of queries. When files of two kinds "
        "are both named after it (`hospitals/x.yaml`, `centres/x.yaml`), neither is the impostor: "
        "both are reported and neither answers a query.",
        Scope.REGISTRY,
        _REG | _PATH,
        _CROSS,
    ),
    Rule(
        "unknown-reference",
        E,
        "a reference names no file",
        "A reference (a site's hospital, a network, a campaign, a reference centre…) names an id "
        "that no file of the registry has. The message suggests the closest id.",
        Scope.REGISTRY,
        _REG,
        _CROSS,
    ),
    Rule(
        "reference-kind",
        E,
        "a reference names a file of the wrong kind",
        "A reference names a file of another kind than the field wants, e.g. a CCMR's reference "
        "centre that is not a CRMR, or an FSMR listed as an ERN.",
        Scope.REGISTRY,
        _REG,
        _CROSS,
    ),
    Rule(
        "reference-cycle",
        E,
        "hospitals whose `parent` links form a loop",
        "A hospital's `parent` chain leads back to itself; every member of the loop is reported.",
        Scope.REGISTRY,
        _REG,
        _CROSS,
    ),
    Rule(
        "finess-key",
        E,
        "the FINESS check key is wrong",
        "The ninth character of a FINESS number is a Luhn key over the first eight; a wrong key "
        "means a mistyped number.",
        Scope.FILE,
        _FILE,
        _CROSS,
    ),
    Rule(
        "duplicate-finess",
        E,
        "two hospitals share a FINESS number",
        "A FINESS number identifies one establishment; the second hospital giving it is reported.",
        Scope.REGISTRY,
        _REG,
        _CROSS,
    ),
    Rule(
        "orpha-name-conflict",
        E,
        "one ORPHAcode given two different names in the registry",
        "An ORPHAcode names one disease. The first file (by path) to give a code sets its name; a "
        "later file naming it otherwise is reported at that name. Use one name, and list the "
        "other under the disease's `synonyms`.",
        Scope.REGISTRY,
        _REG,
        "rarereg.diseases:check",
    ),
    Rule(
        "invalid-date",
        E,
        "a date that does not exist (`2027-02-30`)",
        "A value has the form of a date but is not a date of the calendar.",
        Scope.FILE,
        _FILE,
        "rarereg.filechecks:run",
        stage=Stage.FILE,
    ),
    Rule(
        "label-dates",
        E,
        "a label that ends on or before it starts",
        "A campaign's or a centre's label ends on or before it starts (a centre's own dates are "
        "completed by its campaign's).",
        Scope.REGISTRY,
        _REG,
        _CROSS,
    ),
    Rule(
        "label-expired",
        E,
        "a label has ended and the centre is not marked `status: lapsed` or `withdrawn`",
        "The label's end (the centre's own `label.end`, else its campaign's `end`) is before the "
        "date checked for. Record the renewal, or mark the centre lapsed or withdrawn.",
        Scope.REGISTRY,
        _REG | Input.DATE,
        "rarereg.label_checks:check",
    ),
    Rule(
        "label-expiring",
        W,
        "a label ends within `--expiry-window` (default 180 days)",
        "The label ends within the expiry window (`--expiry-window`, else `expiry-window` in "
        "the settings, else 180 days) after the date checked for: time to prepare the renewal.",
        Scope.REGISTRY,
        _REG | Input.DATE | Input.SETTINGS,
        "rarereg.label_checks:check",
    ),
    Rule(
        "label-duration",
        W,
        "a label that is not five years long and does not say why",
        "Labels are granted for five years. A different length needs a reason in `label.note` "
        "(or a campaign's `notes`).",
        Scope.REGISTRY,
        _REG,
        _CROSS,
    ),
    Rule(
        "site-roles",
        E,
        "a CRMR needs exactly one coordinating site; other kinds exactly one competence site",
        "A CRMR's sites are one `coordinating` and any number of `constitutive` (or no "
        "coordinating one yet with `sites_incomplete: true`); CCMR, CRC and platforms have one "
        "`competence` site.",
        Scope.FILE,
        _FILE,
        _CROSS,
    ),
    Rule(
        "unknown-source",
        E,
        "a `document` that is not in the registry's `sources/` folder",
        "A source cites a document by file name, and no file of that name is in the registry's "
        "`sources/` folder. Only a regular file, or a link to one inside the registry, counts: a "
        "folder, FIFO or socket of that name does not (and is never opened), nor does anything "
        "in a `sources/` that links out of the registry. Add the document there.",
        Scope.FILE,
        _FILE | Input.SOURCES_DIR,
        _CROSS,
    ),
    Rule(
        "file-name",
        E,
        "a file name that is not `<id>.yaml` (`.yml`, `.YAML`, hidden, not UTF-8)",
        "Registry files are named `<id>.yaml` in lower case. A `.yml` or `.YAML` file, a hidden "
        "file (`.x.yaml`) or a name that is not UTF-8 is reported and not read.",
        Scope.FILE,
        _PATH,
        _LIST,
        readable=False,
        stage=Stage.LOAD,
    ),
    Rule(
        "symlink",
        E,
        "a symbolic link out of the registry (or a loop): not followed",
        "A registry file, kind folder or `sources/` folder that is a symbolic link leading outside "
        "the registry, or to itself, is reported and never read (documents in such a `sources/` "
        "do not count).",
        Scope.FILE,
        _PATH,
        _LIST,
        readable=False,
        stage=Stage.LOAD,
    ),
    Rule(
        "special-file",
        E,
        "a FIFO, socket or device named like a registry file: never opened",
        "Only regular files are read. A named pipe, socket or device with a registry file's name "
        "is reported without being opened (opening one could block forever).",
        Scope.FILE,
        _PATH,
        _LIST,
        readable=False,
        stage=Stage.LOAD,
    ),
    Rule(
        "unknown-file",
        W,
        "a YAML file outside the kind folders: ignored",
        "A `.yaml` or `.yml` file directly in the registry folder, in a folder that is not a "
        "kind folder, or in a subfolder of a kind folder (at any depth, down to 8 levels) belongs "
        "to no kind and is not read; move it into hospitals/, networks/, campaigns/ or centres/. "
        "Hidden folders outside kind folders (`.git`) and linked folders are not searched; where "
        "the search stops (8 levels, 50,000 names), the folder is named instead.",
        Scope.FILE,
        _PATH,
        _LIST,
        stage=Stage.LOAD,
    ),
)
