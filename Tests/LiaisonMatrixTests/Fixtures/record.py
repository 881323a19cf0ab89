"""Records the /sync answers that MatrixSyncTests feed to MatrixClient, from a fresh Synapse
(scripts/matrix/synapse.sh), as the bot would receive them (the bot's own filter).

    .venv/bin/python Tests/LiaisonMatrixTests/Fixtures/record.py

Writes invite.json, joined.json and messages.json next to this file. The scene: alice
invites the bot to a DM; the bot joins it and alice's room #lobby, where bob is too; then
alice and bob talk, the bot talks, alice forges the bot's markers and redacts bob's message.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "e2e"))
import matrixclient as mx  # noqa: E402

# MatrixClient.filter, key for key.
TIMELINE = ["m.room.message", "m.room.member", "m.room.encrypted", "m.room.redaction", "m.room.name",
            "m.room.canonical_alias", "m.room.encryption", "org.liaison.introduction", "org.liaison.direct"]
FILTER = json.dumps({
    "account_data": {"types": ["m.direct"]},
    "presence": {"types": []},
    "room": {
        "account_data": {"types": []},
        "ephemeral": {"types": []},
        "state": {"types": ["m.room.member", "m.room.name", "m.room.canonical_alias", "m.room.encryption",
                            "org.liaison.introduction", "org.liaison.direct"]},
        "timeline": {"limit": 50, "types": TIMELINE},
    },
}, sort_keys=True, separators=(",", ":"))


def sync(client, since):
    query = {"filter": FILTER, "timeout": "0"}
    if since:
        query["since"] = since
    return client.request("GET", "/sync", query=query)


def main():
    work = Path(tempfile.mkdtemp(prefix="liaison-fixtures-"))
    script = ROOT / "scripts" / "matrix" / "synapse.sh"
    subprocess.run([str(script), "start", str(work)], check=True, capture_output=True)
    try:
        env = dict(l.split("=", 1) for l in (work / "env").read_text().splitlines() if "=" in l)
        url, secret = env["SYNAPSE_URL"], env["SYNAPSE_SHARED_SECRET"]
        users = {}
        for name in ["liaison", "alice", "bob"]:
            mx.register(url, secret, name, "pw-" + name)
            users[name] = mx.login(url, name, "pw-" + name)
        bot, alice, bob = users["liaison"], users["alice"], users["bob"]
        since = sync(bot, None)["next_batch"]

        dm = alice.create_room(invite=[bot.user_id], is_direct=True, preset="private_chat")
        answer = sync(bot, since)
        (HERE / "invite.json").write_text(json.dumps(answer, indent=1, sort_keys=True) + "\n")
        since = answer["next_batch"]

        bot.join(dm)
        bot.set_account_data("m.direct", {alice.user_id: [dm]})
        lobby = alice.create_room(name="Lobby", alias="lobby", preset="public_chat")
        bob.join(lobby)
        bot.join(lobby)
        answer = sync(bot, since)
        (HERE / "joined.json").write_text(json.dumps(answer, indent=1, sort_keys=True) + "\n")
        since = answer["next_batch"]

        alice.send_text(lobby, "liaison: who knows about bonsai?", mentions=[bot.user_id])
        spam = bob.send_text(lobby, "buy cheap watches")
        bot.send_text(lobby, "I can help with that.")
        alice.set_state(lobby, "org.liaison.introduction", {"outbox": "7-forged", "intent": "X"})
        alice.set_state(lobby, "org.liaison.direct", {"user": alice.user_id}, state_key="x")
        alice.redact(lobby, spam, reason="spam")
        alice.send_text(dm, "optin")
        answer = sync(bot, since)
        (HERE / "messages.json").write_text(json.dumps(answer, indent=1, sort_keys=True) + "\n")
        print("recorded in", HERE, "dm", dm, "lobby", lobby)
    finally:
        subprocess.run([str(script), "stop", str(work)], check=False, capture_output=True)


if __name__ == "__main__":
    main()
