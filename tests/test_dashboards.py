"""Web apps and dashboards written in Python (Streamlit, Gradio, Dash, Panel): what a page
shows goes to whoever opens the app, so customer rows on a page are personal data leaving
(LAC-SVC-001) until the team approves its app under `approved_services.dashboard`; a count
or a constant title is not data. The libraries are rows of `rules/apis/dashboards.yaml`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import outputs_by_line

APP = '''\
import pandas as pd
import streamlit as st

st.title("Customers")
df = pd.read_csv("data/customers.csv")
st.dataframe(df)
left, right = st.columns(2)
left.metric("Customers", len(df))
right.write(df[["email", "country"]])
st.sidebar.table(df.head())
st.write("Built by the data team")
st.sidebar.info(f"First customer: {df.email[0]}")
right.pyplot(df.plot(x="country", y="email").figure)
'''

OTHER_APPS = {
    "gr_app.py": '''\
import gradio as gr
import pandas as pd

with gr.Blocks() as demo:
    gr.Dataframe(value=pd.read_csv("data/customers.csv"))
''',
    "dash_app.py": '''\
import pandas as pd
from dash import Dash, dash_table, html

df = pd.read_csv("data/customers.csv")
app = Dash(__name__)
app.layout = html.Div([dash_table.DataTable(data=df.to_dict("records"))])
''',
    "panel_app.py": '''\
import pandas as pd
import panel as pn

pn.widgets.Tabulator(pd.read_csv("data/customers.csv")).servable()
''',
}

CUSTOMERS = {"data/customers.csv": "customer_id,email,phone,country\n"}


def test_customer_rows_shown_by_a_streamlit_app_leave_the_code(tmp_path: Path, lacuna) -> None:
    found = outputs_by_line(lacuna, tmp_path, {"app.py": APP, **CUSTOMERS})
    shown = {line: (f["operation"]["destination"]["name"],
                    f["operation"]["destination"]["category"], f["classification"]["tier"],
                    f["decision"]["allowed"]) for line, f in found.items()}
    assert shown[6] == ("streamlit app", "dashboard", "PROPRIETARY", False)
    assert shown[9] == ("streamlit app", "dashboard", "PROPRIETARY", False)
    assert shown[10] == ("streamlit app", "dashboard", "PROPRIETARY", False)
    assert shown[12][2:] == ("PROPRIETARY", False)  # a sidebar's info box
    assert shown[13][2:] == ("PROPRIETARY", False)  # a chart in a column
    assert shown[8][2:] == ("PUBLIC", True)  # a count
    assert 4 not in shown  # a constant title is not a send of data
    assert found[6]["decision"]["policy_id"] == "LAC-SVC-001"


def test_gradio_dash_and_panel_pages_show_what_they_are_given(tmp_path: Path, lacuna) -> None:
    write = {**OTHER_APPS, **CUSTOMERS, "lacuna.toml": "embeddings = false\n"}
    for name, text in write.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    run = lacuna("check", "--format", "json", ".", cwd=tmp_path)
    assert run.code == 1, run.stderr
    sent = sorted((f["operation"]["location"]["path"], f["operation"]["destination"]["service"],
                   f["decision"]["allowed"]) for f in json.loads(run.stdout)["findings"]
                  if f["operation"]["action"] == "export")
    assert sent == [("dash_app.py", "dash", False), ("gr_app.py", "gradio", False),
                    ("panel_app.py", "panel", False)]


def test_an_app_the_operator_approves_may_show_customer_rows(tmp_path: Path, lacuna) -> None:
    """Approval is the operator's (the trusted config's policy folder): a repository's own
    data.json may not approve its app (see the README, *Trust model*)."""
    trusted = tmp_path / "operator"
    (trusted / "policies").mkdir(parents=True)
    (trusted / "policies" / "data.json").write_text(json.dumps(
        {"lacuna": {"config": {"approved_services": {"dashboard": ["streamlit"]}}}}))
    (trusted / "config.toml").write_text(f'policies = ["{trusted / "policies"}"]\n')
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "customers.csv").write_text(CUSTOMERS["data/customers.csv"])
    (project / "app.py").write_text(APP)
    (project / "lacuna.toml").write_text("embeddings = false\n")
    run = lacuna("check", "--format", "json", ".", cwd=project,
                 env={"LACUNA_TRUSTED_CONFIG": str(trusted / "config.toml")})
    assert run.code == 0, run.stdout + run.stderr
    assert lacuna("check", ".", cwd=project).code == 1  # without the operator's approval
