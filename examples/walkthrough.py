"""Piwik PRO's Getting-started walkthrough, with the typed client.

token -> invite a user -> get them -> change their language to de-DE -> delete them

Try it offline against the sandbox:

    piwik-pro sandbox            # prints its URL and demo credentials
    export PIWIK_PRO_HOST=http://127.0.0.1:PORT
    export PIWIK_PRO_CLIENT_ID=demo-client-id PIWIK_PRO_CLIENT_SECRET=demo-client-secret
    python examples/walkthrough.py
"""

from __future__ import annotations

from piwik_pro import NotFoundError, PiwikPro


def main() -> None:
    # Reads PIWIK_PRO_HOST, PIWIK_PRO_CLIENT_ID and PIWIK_PRO_CLIENT_SECRET.
    with PiwikPro.from_env() as pp:
        # You never need the token yourself: the client fetches it on first use and
        # refreshes it before it expires. Fetching it here only shows the first step.
        token = pp.fetch_token()
        print(f"1. got a {token.token_type} token, valid for {token.expires_in:.0f} s")

        # Bodies are plain JSON dicts, typed by the generated <Model>Dict TypedDicts (the models work too).
        invited = pp.users.invite_user(
            body={"data": {"type": "ppms/user", "attributes": {"email": "user@example.com", "language": "en-US"}}}
        )
        user_id = invited.data.id
        print(f"2. invited user@example.com: id {user_id}")

        user = pp.users.get_user(user_id=user_id)
        print(f"3. {user.data.attributes.email} speaks {user.data.attributes.language}")

        pp.users.update_user(  # 204 No Content
            user_id=user_id,
            body={"data": {"id": str(user_id), "type": "ppms/user", "attributes": {"language": "de-DE"}}},
        )
        print(f"4. language is now {pp.users.get_user(user_id=user_id).data.attributes.language}")

        pp.users.delete_user(user_id=user_id)  # 204 No Content
        try:
            pp.users.get_user(user_id=user_id)
        except NotFoundError as exc:  # typed errors carry the API's JSON:API error list
            print(f"5. deleted; getting them again: {exc.status_code} {exc.errors[0].title}")


if __name__ == "__main__":
    main()
