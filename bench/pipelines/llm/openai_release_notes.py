"""Turn the merged PR titles into customer-facing release notes. No customer data involved:
the input is our own changelog text."""
import subprocess
from openai import OpenAI

STYLE = "Friendly, short, no internal ticket numbers. Group by Added / Fixed / Changed."


def merged_titles(since="last-release"):
    out = subprocess.run(["git", "log", "--merges", "--pretty=%s", f"{since}..HEAD"],
                         capture_output=True, text=True, check=True)
    return out.stdout


def main():
    client = OpenAI()
    titles = merged_titles()
    resp = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": STYLE},
                  {"role": "user", "content": "Write release notes for:\n" + titles}],
    )
    print(resp.choices[0].message.content)


if __name__ == "__main__":
    main()
