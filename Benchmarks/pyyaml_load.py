"""What a Python tool built on the same libyaml pays just to load the registry: PyYAML's C loader
over every file, building Python objects, and nothing else. Usage: python3 pyyaml_load.py FILE-LIST"""
import sys
import yaml

loader = getattr(yaml, "CSafeLoader", None)
if loader is None:
    sys.exit("PyYAML was built without libyaml (no CSafeLoader); install python3-yaml")
documents = 0
with open(sys.argv[1]) as listing:
    for path in listing:
        with open(path.strip(), "rb") as handle:
            documents += sum(1 for _ in yaml.load_all(handle, Loader=loader))
print(f"{documents} documents")
