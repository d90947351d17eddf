# Writes testdata/yamale/history.json: for every version of the image
# manager's etc/schema.yaml in history/ and every catalog file in ../osism
# and ../invalid, whether yamale 6.1.0 (with PyYAML) accepts the file. Run
# from testdata/yamale with yamale's package on PYTHONPATH:
#   python3 history.py > history.json
import glob, json, os, sys
sys.path.insert(0, "/tmp/ysrc")
import yamale

# A parse error, and a second document, which the image manager would
# validate on its own but image-crawler refuses.
skip = {"bad-indentation.yml", "two-documents.yml"}
out = []
for schema in sorted(glob.glob("history/*.yaml")):
    s = yamale.make_schema(content=open(schema).read())
    for data in sorted(glob.glob("../osism/*.yml") + glob.glob("../invalid/*.yml")):
        if os.path.basename(data) in skip:
            continue
        r = yamale.validate(s, yamale.make_data(content=open(data).read()), _raise_error=False)
        out.append({"schema": schema, "data": data, "valid": all(x.isValid() for x in r)})
print("[\n" + ",\n".join(json.dumps(c) for c in out) + "\n]")
