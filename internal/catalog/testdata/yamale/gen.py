# Generates testdata/yamale/differential.json: random validator expressions
# and values, and whether yamale 6.1.0 (with PyYAML) accepts the value. Run
# with yamale's package on PYTHONPATH (or its source tree in /tmp/ysrc):
#   python3 gen.py SEED COUNT differential.json
import random, json, sys
sys.path.insert(0, '/tmp/ysrc')
import yamale
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
scalars = ["str()", "int()", "num()", "bool()", "day()", "timestamp()", "null()",
    "str(required=False)", "int(required=False, none=False)", "str(min=2)", "str(max=2)",
    "int(min=0)", "int(max=5)", "num(min=1.5)", "num(max=-1)", "enum('a', 1, None)", "enum(True, 'x')",
    "enum(1.0, 'none')", "regex(r'^a')", "regex(r'\\d$', name='digit')", "str(starts_with='a')",
    "str(ends_with='b', ignore_case=True)", "str(equals='ab')", "str(exclude='x')", "include('t')",
    "include('t', strict=False)", "include('t', required=False)", "any()",
    "str('x')", "int(foo=1)", "str(min='2')", "num(min=' 1.5')", "enum()", "enum(str, 'a')", "regex()",
    "regex(5, r'^a')", "int(min=True)", "str(starts_with=1)", "regex(r'^a', name=5)"]
def expr(d=0):
    r = random.random()
    if d > 2 or r < 0.5:
        return random.choice(scalars)
    k = random.choice(["list", "map", "any", "list_min", "map_key", "junk"])
    subs = ", ".join(expr(d+1) for _ in range(random.randint(0, 2)))
    if k == "junk":
        return "%s(%s%s'x', str, 1)" % (random.choice(["list", "map", "any"]), subs, ", " if subs else "")
    if k == "list_min":
        return "list(%s%smin=1, max=2)" % (subs, ", " if subs else "")
    if k == "map_key":
        return "map(%s%skey=%s)" % (subs, ", " if subs else "", random.choice(["str()", "int()", "regex(r'^[a-z]+$')", "enum('a', 1)"]))
    opt = random.choice(["", ", required=False"]) if subs else random.choice(["", "required=False"])
    return "%s(%s%s)" % (k, subs, opt)
vals = ["a", "'a'", "ab", "1", "0", "-3", "1.5", "'1'", "yes", "'yes'", "~", "", "2024-06-03", "2024-06-03 10:00:00",
    "'2024-06-03'", "[]", "[a]", "[1, a]", "[~]", "[1, 2, 3]", "{}", "{x: 1}", "{x: a}", "{x: 1, y: 2}", "{a: 1}",
    "{1: a}", "{ab: ~}", "[{x: 1}]", "none", "x", "AB", "xb", "7", "[[1]]", "{a: [1]}", ".inf", "true", "0x10"]
cases = []
seen = set()
while len(cases) < (int(sys.argv[2]) if len(sys.argv) > 2 else 2000):
    e = expr()
    value = random.choice(vals) if random.random() > 0.05 else None
    if (e, value) in seen:
        continue
    seen.add((e, value))
    schema = 'v: "%s"\n---\nt:\n  x: int()\n' % e.replace('\\', '\\\\')
    data = "{}\n" if value is None else "v: %s\n" % value
    try:
        s = yamale.make_schema(content=schema)
        r = yamale.validate(s, yamale.make_data(content=data), _raise_error=False)
        ok = r[0].isValid()
        errs = r[0].errors
    except Exception as ex:
        ok = "EXC:" + repr(ex)
        errs = []
    if not isinstance(ok, bool):
        continue  # yamale itself fails: not a case to compare
    cases.append({"schema": e, "value": value, "valid": ok})
out = sys.argv[3] if len(sys.argv) > 3 else "differential.json"
with open(out, "w") as f:
    f.write("[\n" + ",\n".join(json.dumps(c) for c in cases) + "\n]\n")
print(len(cases), sum(1 for c in cases if c['valid']))
