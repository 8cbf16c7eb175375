"""The demo's policy, written to ``<dir>/tenbin.yaml``: ``examples/policy.yaml``'s shape, wired to
the demo's fake vendors. A template rather than a file beside this module so it ships with the
package without package-data changes, and keeps its comments for the reader who opens it."""

from __future__ import annotations

from string import Template

#: The environment variable the demo's providers read their (meaningless) key from: secrets are
#: never written into a config file, not even fake ones.
KEY_ENV = "TENBIN_DEMO_VENDOR_KEY"

POLICY = Template("""\
# tenbin demo policy — DEMO DATA ONLY. Written by `tenbin demo`; every vendor below is a fake
# running inside that command on 127.0.0.1, so these URLs answer only while it runs. Reports
# (tenbin costs / budgets / audit report -c THIS_FILE) work on the store at any time.
#
#   claude-sonnet-4-5, gpt-5*, gemini-2.5-*  foreign frontier vendors (fake Anthropic, OpenAI, Gemini)
#   azure-jp/gpt-4o*                          an "Azure Japan East"-like deployment: region JP, US vendor
#   hinoki/hinoki-chat                        a domestic SaaS (fictional): region JP, Japanese vendor
#   onprem/qwen3-32b                          the company's own GPU server behind an OpenAI-compatible API

store: sqlite:///tenbin.db

server:
  host: 127.0.0.1
  auth: required

providers:
  openai:    {kind: openai, base_url: "$openai/v1", api_key: "$${$key}", max_retries: 1}
  anthropic: {kind: anthropic, base_url: "$anthropic", api_key: "$${$key}", max_retries: 1}
  gemini:    {kind: gemini, base_url: "$gemini", api_key: "$${$key}", max_retries: 1}
  azure-jp:  {kind: openai, base_url: "$azure", api_key: "$${$key}", azure_deployment: true,
              api_version: "2024-10-21", max_retries: 1}
  hinoki:    {kind: openai, base_url: "$hinoki/v1", api_key: "$${$key}", max_retries: 1}
  onprem:    {kind: openai, base_url: "$onprem/v1", max_retries: 1}

retry: {base_delay_s: 0.02, max_delay_s: 0.1}
breaker: {failure_threshold: 5, cooldown_s: 300}

models:
  - id: azure-jp/gpt-4o
    provider: azure-jp
    upstream: gpt-4o
    region: JP
    jurisdiction: US
    retention_days: 30
    context_window: 128000
    tier: frontier
    prices: [{effective: "2024-11-20", currency: USD, input: "2.50", output: "10.00"}]
  - id: azure-jp/gpt-4o-mini
    provider: azure-jp
    upstream: gpt-4o-mini
    region: JP
    jurisdiction: US
    retention_days: 30
    context_window: 128000
    tier: light
    prices: [{effective: "2024-07-18", currency: USD, input: "0.15", output: "0.60"}]
  - id: hinoki/hinoki-chat
    provider: hinoki
    upstream: hinoki-chat-v2
    region: JP
    jurisdiction: JP
    retention_days: 0
    context_window: 32000
    tier: standard
    prices: [{effective: "2025-01-01", currency: JPY, input: "150", output: "600"}]
  - id: onprem/qwen3-32b
    provider: onprem
    upstream: qwen3-32b
    region: on-prem
    jurisdiction: JP
    retention_days: 0
    context_window: 32000
    tier: standard
    prices: [{effective: "2025-01-01", currency: JPY, input: "0", output: "0"}]

default_model: azure-jp/gpt-4o-mini

routing:
  sensitive_from: CONFIDENTIAL
  on_sensitive: mask
  client_model: honour
  max_cost_jpy: "50"
  reroute_to: [onprem/qwen3-32b, hinoki/hinoki-chat, azure-jp/gpt-4o-mini]
  constraints:
    # Unmasked personal data only where processing AND the vendor's law are Japanese (APPI Art. 28).
    - name: personal-in-japan
      when: {data_class: [PERSONAL, SPECIAL_CARE]}
      require: {region: [JP, on-prem], jurisdiction: [JP], max_retention_days: 30, no_training: true}
      unless_masked: true
    - name: special-care-on-prem
      when: {data_class: SPECIAL_CARE}
      require: {region: [on-prem]}
    - name: confidential-on-prem
      when: {data_class: CONFIDENTIAL}
      require: {region: [on-prem]}
  tiers:
    light: {model: azure-jp/gpt-4o-mini, fallbacks: [hinoki/hinoki-chat]}
    standard: {model: azure-jp/gpt-4o, fallbacks: [hinoki/hinoki-chat]}
    frontier: {model: claude-sonnet-4-5, fallbacks: [gpt-5, azure-jp/gpt-4o]}
  rules:                    # first match wins
    - name: public-chatbot
      when: {tags: {channel: public-chatbot}}
      model: gemini-2.5-flash-lite
      on_sensitive: block   # a visitor pasting a 社外秘 document gets a 403, not a vendor call
      client_model: reroute
      max_cost_jpy: "2"
    - name: confidential-docs
      when: {data_class: CONFIDENTIAL}
      model: onprem/qwen3-32b
      client_model: reroute
    - name: nippo-ringi-summary
      when: {prompt_contains: [日報, 稟議, 週報]}
      model: onprem/qwen3-32b
      client_model: reroute
    - name: support-draft
      when: {use_case: [support]}
      model: claude-sonnet-4-5
      fallbacks: [gpt-5, azure-jp/gpt-4o]
      on_sensitive: mask    # names and phone numbers pseudonymised before they leave Japan
      client_model: reroute
      max_cost_jpy: "20"
    - name: sales-mail
      when: {use_case: [sales-mail]}
      model: hinoki/hinoki-chat
      fallbacks: [azure-jp/gpt-4o-mini]
      client_model: reroute
    - name: code-review
      when: {use_case: code-review}
      model: gpt-5
      fallbacks: [claude-sonnet-4-5, azure-jp/gpt-4o]
      on_sensitive: reroute
      client_model: reroute
    - name: research
      when: {use_case: research}
      model: gemini-2.5-flash
      fallbacks: [gpt-5-mini]
      client_model: reroute

finops:
  budgets:
    - {name: demo-support-daily, scope: team, match: demo-support, period: day, limit_jpy: "$support_day",
       action: downgrade, downgrade_to: hinoki/hinoki-chat}
    - {name: demo-eng-monthly, scope: team, match: demo-eng, period: month, limit_jpy: "$eng_month",
       action: block}
    - {name: demo-sales-monthly, scope: team, match: demo-sales, period: month, limit_jpy: "$sales_month",
       action: alert, thresholds: [50, 80, 100]}
  self_hosted:
    onprem/qwen3-32b: {jpy_per_million_tokens: "40"}
  use_cases:
    support: {outcome: reply drafted, minutes_saved: "6", hourly_cost_jpy: "3500"}
    sales-mail: {outcome: mail drafted, minutes_saved: "4", hourly_cost_jpy: "4000"}
    code-review: {outcome: review, minutes_saved: "10", hourly_cost_jpy: "5000"}

# The vendor register joined into `tenbin audit report --appi`. DEMO VALUES, not real contracts.
governance:
  vendors:
    anthropic: {legal_entity: "Anthropic, PBC (demo entry)", country: US, legal_basis: equivalent_measures,
                contract_date: 2025-06-01, last_review: 2026-06-01, retention: 30 days, training: none}
    openai: {legal_entity: "OpenAI, L.L.C. (demo entry)", country: US, legal_basis: equivalent_measures,
             contract_date: 2025-06-01, last_review: 2026-06-01, retention: 30 days, training: none}
    gemini: {legal_entity: "Google LLC (demo entry)", country: US, legal_basis: equivalent_measures,
             contract_date: 2025-09-01, last_review: 2026-09-01, retention: 55 days, training: none}
    azure-jp: {legal_entity: "Microsoft Corporation (demo entry)", country: US, legal_basis: equivalent_measures,
               contract_date: 2025-04-01, last_review: 2026-04-01, retention: 30 days, training: none}
    hinoki: {legal_entity: "株式会社ヒノキAI（架空・デモ）", country: JP, legal_basis: entrustment,
             contract_date: 2025-04-01, retention: none, training: none}
    onprem: {legal_entity: 自社（オンプレミス・デモ）, country: JP, legal_basis: in_house,
             contract_date: 2025-04-01, retention: none, training: none}
""")


def render(urls: dict[str, str], *, support_day: str = "12", eng_month: str = "25", sales_month: str = "25") -> str:
    """The policy with the fake vendors' URLs (``openai``, ``anthropic``, ``gemini``, ``azure``,
    ``hinoki``, ``onprem``) and the budget limits filled in."""
    return POLICY.substitute(urls, key=KEY_ENV, support_day=support_day, eng_month=eng_month,
                             sales_month=sales_month)
