"""Render stage, shared by the writers: the AST renderer (`html`), the Jinja2 environment
(`templates`) and the edition view (`view`) that templates read."""
