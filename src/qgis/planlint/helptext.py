"""The algorithms' help, in Chinese or English after QGIS's locale: what the algorithm
does, then what each rule checks (from `planlint rules --json`, in the same language)."""

import json
import re
import subprocess
from html import escape

from qgis.core import QgsApplication, QgsProcessingException

from . import command

ABOUT = {
    "checkplan": {
        "zh": """按城市养老服务设施规划政策检查一个规划，与命令 <code>planlint check</code> 相同。
<p>输入规划的图层（QGIS 中打开的任何图层，勾选“仅选中要素”时只用选中的要素），或规划文件夹、GeoPackage（PLAN），或两者都给：这里给出的图层替换规划自带的同名图层。PROFILE 为城市政策（默认取 plan.toml 的），AS_OF 为检查日期（YYYY-MM-DD，默认取 plan.toml 的，否则为今天）。</p>
<p>OUTPUT：每条检查结果一行——规则、状态（符合 pass、不符合 fail、待定 pending、不适用 not_applicable、数据不足 insufficient_data）、严重程度、实测值与要求值、说明和政策条款——带检查对象的几何（小区或单元的面、设施的点）；加载时按状态和严重程度着色。SERVICE_AREAS：15分钟服务圈内的路段。REPORT_HTML：可阅读和打印的报告。</p>""",
        "en": """Checks a development plan against a city's elder-care facility planning rules, as
<code>planlint check</code> does.
<p>Give the plan's layers (any layer QGIS has open; selected features only where ticked), or a plan folder or GeoPackage (PLAN), or both: a layer given here replaces the plan's own. PROFILE is the city's policy (by default the plan.toml's); AS_OF the date the check speaks for (YYYY-MM-DD; by default plan.toml's, else today).</p>
<p>OUTPUT: one row per finding — rule, status (pass, fail, pending, not_applicable, insufficient_data), severity, what was measured and required, the message and the clause — with the subject's geometry (a compound's or unit's polygon, a facility's point), styled by status and severity when loaded. SERVICE_AREAS: the road stretches within the 15-minute circle. REPORT_HTML: the report to read and print.</p>""",
    },
    "checksubmission": {
        "zh": """在所在城市中审查一个报建项目，与 <code>planlint check 项目 --context 城市</code> 相同。
<p>输入项目自己的图层（小区、设施、分期）或文件夹（PLAN），以及城市规划（CITY：文件夹或 GeoPackage）。项目的小区沿城市路网步行到城市和项目自己的设施，单元合计包括项目。结果只针对项目：城市原有、项目未改变的缺口为提示，项目造成或加深的为错误；面积类结果给出项目前后的数值（details）。</p>
<p>输出与“检查规划”相同：检查结果图层（OUTPUT）、服务范围和 HTML 报告。</p>""",
        "en": """Checks a development submission inside its city, as <code>planlint check SUBMISSION --context CITY</code> does.
<p>Give the submission's own layers (compounds, facilities, phases) or its folder (PLAN), and the city's plan (CITY: a plan folder or GeoPackage). The submission's compounds walk the city's roads to the city's facilities and its own, and the units' totals include it. The findings speak of the submission: a shortfall the city already had and the submission leaves as it was is info, one it causes or deepens is an error; area findings give the value before and after the submission (details).</p>
<p>Outputs as for Check a plan: the findings layer (OUTPUT), the service areas and the HTML report.</p>""",
    },
    "checkmany": {
        "zh": """批量检查一个文件夹下的所有规划（含有小区图层或 plan.toml 的每个子文件夹），与 <code>planlint check --recursive 文件夹 --output-dir 报告</code> 相同。
<p>OUTPUT：汇总表，每个规划一行——状态（checked 已检查，error 无法检查）、退出码、政策、检查日期、各状态的数量、被拒绝的要素数、最严重的问题、无法检查的原因和报告文件。REPORTS：每个规划一份报告（FORMAT 格式，默认 HTML），以及 summary.csv 和 summary.json。无法检查的规划是汇总表中的一行，不使运行失败。</p>""",
        "en": """Checks every plan under a folder (each folder that holds a compounds layer or a plan.toml), as <code>planlint check --recursive FOLDER --output-dir REPORTS</code> does.
<p>OUTPUT: the summary table, one row per plan — status (checked, or error when it could not be checked), exit code, profile, date, the count of each status, rejected features, the worst failures, the error and the report's file. REPORTS: one report per plan (in FORMAT, HTML by default), with summary.csv and summary.json. A plan that cannot be checked is a row of the summary, not a failed run.</p>""",
    },
    "fixplan": {
        "zh": """给出使规划符合政策的最少整改措施，与 <code>planlint fix 规划 -o 输出</code> 相同：在哪里新建、扩建或提前建成什么设施，规模多大，何时建成；选址为整数规划，由 HiGHS 求解。
<p>输入规划文件夹（PLAN）；审查报建项目时给出所在城市（CITY），只改动项目自己的设施和用地。SELECT 只整改列出的规则（逗号分隔的规则编号），TIME_LIMIT 为求解时限（秒）。</p>
<p>FIXED：整改后的规划文件夹（原有全部要素，措施已写入设施图层），以及 remedies.geojson、remedies.csv 和 report.json。OUTPUT：整改后规划的检查结果，着色同“检查规划”。REMEDIES：每项措施一个点——新建（add）为新址，扩建（enlarge）和提前（advance）为原设施——加载时按措施着色；字段包括规模、床位、建成日期、所整改的问题（fixes）和理由（reason）。</p>""",
        "en": """Gives the fewest remedies that make a plan comply, as <code>planlint fix PLAN -o OUT</code> does: what to build, enlarge or bring forward, where, how big and by when; the sites are an integer program solved by HiGHS.
<p>Give the plan's folder (PLAN); for a submission, its city (CITY): then only the submission's own facilities and land change. SELECT fixes only the rules listed (ids, comma separated); TIME_LIMIT is the solver's, in seconds.</p>
<p>FIXED: the fixed plan's folder (every feature of the plan, the remedies written into its facilities layer), with remedies.geojson, remedies.csv and report.json. OUTPUT: the fixed plan's findings, styled as for Check a plan. REMEDIES: one point per remedy — a new facility's site (add), the facility enlarged or brought forward (enlarge, advance) — styled by action when loaded; its fields give sizes, beds, dates, the findings it fixes (fixes) and why (reason).</p>""",
    },
}

BINARY = {
    "zh": """<p>插件调用 planlint 命令：环境变量 PLANLINT_BINARY，否则设置项 planlint/binary，否则在 QGIS 的 Python 中 <code>pip install planlint</code> 安装的命令，否则 PATH 中的 planlint。</p>""",
    "en": """<p>The plugin runs the planlint command: the environment's PLANLINT_BINARY, else the setting planlint/binary, else the one <code>pip install planlint</code> put beside QGIS's Python, else the one on the PATH.</p>""",
}

RULES_HEADING = {"zh": "规则", "en": "Rules"}

_rules = None


def lang():
    """zh when QGIS speaks Chinese, else en."""
    return "zh" if QgsApplication.locale().lower().startswith("zh") else "en"


def rules():
    """Every rule as `planlint rules --json` gives it; none when planlint is not found."""
    global _rules
    if _rules is None:
        try:
            done = subprocess.run([command.binary(), "rules", "--json"], capture_output=True, timeout=30)
            _rules = json.loads(done.stdout) if done.returncode == 0 else []
        except (QgsProcessingException, OSError, ValueError, subprocess.SubprocessError):
            _rules = []
    return _rules


def text(algorithm, language=None):
    """The help of `algorithm` (checkplan, checksubmission, checkmany) in `language`, by
    default QGIS's."""
    language = language or lang()
    parts = [ABOUT[algorithm][language], BINARY[language]]
    listed = rules()
    if listed:
        parts.append(f"<h3>{RULES_HEADING[language]}</h3>")
        for r in listed:
            title = r["title"] if language == "zh" else r["title_en"]
            summary = r["summary"] if language == "zh" else r["summary_en"]
            summary = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(summary))
            parts.append(f"<p><b>{escape(title)}</b> <code>{r['id']}</code><br>{summary}</p>")
    return "\n".join(parts)
