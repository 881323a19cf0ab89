#!/usr/bin/env python3
"""Converts the ircdocs parser tests (PyPI package irc-parser-tests, CC0) to JSON.

Usage: parser-tests-json.py OUTPUT_DIR

Writes msg-split.json, msg-join.json, userhost-split.json and mask-match.json for
Tests/LiaisonIRCTests/ParserConformanceTests.swift, which reads them from the folder named
by IRC_PARSER_TESTS. Swift's JSON reader does not keep object key order, so tags become a
list of [key, value] pairs in the order the YAML gives them, and a tag written without a
value (YAML null) becomes "", as the suite says it compares.
"""
import json
import os
import sys

import parser_tests
import yaml

FILES = ("msg-split", "msg-join", "userhost-split", "mask-match")


def normalise_atoms(atoms):
    """Tags as ordered pairs with "" for no value; absent keys stay absent."""
    atoms = dict(atoms or {})
    if "tags" in atoms:
        atoms["tags"] = [[str(k), "" if v is None else str(v)]
                         for k, v in (atoms["tags"] or {}).items()]
    if "params" in atoms:
        atoms["params"] = [str(p) for p in atoms["params"] or []]
    return atoms


def convert(name, data):
    tests = data.get("tests") or []
    if name in ("msg-split", "msg-join"):
        for test in tests:
            test["atoms"] = normalise_atoms(test.get("atoms"))
    return {"tests": tests}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: parser-tests-json.py OUTPUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    data_dir = os.path.join(os.path.dirname(parser_tests.__file__), "data")
    for name in FILES:
        with open(os.path.join(data_dir, name + ".yaml"), encoding="utf-8") as f:
            data = yaml.safe_load(f)
        converted = convert(name, data)
        with open(os.path.join(out_dir, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(converted, f, ensure_ascii=False, indent=1)
        print("%s: %d cases" % (name, len(converted["tests"])))


if __name__ == "__main__":
    main()
