//! The Python module `planlint._planlint` (feature `python`, built into the wheel by
//! maturin; the Python package around it is `src/python/planlint/`). It calls the same
//! [`Request`] the command line does, with the GIL released while the check runs, and
//! hands the report to Python as the JSON contract of report.md, the other formats
//! through the same emitters, and the subjects' geometry as WKB.

use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde_json::Value;

use crate::crs::{CrsSpec, Transformer};
use crate::emit::Format;
use crate::model::progress::Stage;
use crate::pipeline::{Error, Request};
use crate::profile::{Profile, BUILTIN};
use crate::read::PlanError as ReadError;
use crate::report::Report;
use crate::text::Lang;

/// The module's own allocations through mimalloc, as the command's: a check makes and
/// frees millions of small objects from every thread.
#[cfg(feature = "cli")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    _planlint,
    PlanlintError,
    PyException,
    "Anything planlint refuses: the command line's exit 2."
);
create_exception!(
    _planlint,
    PlanError,
    PlanlintError,
    "A layer, plan.toml or a file of the plan cannot be used."
);
create_exception!(
    _planlint,
    ProfileError,
    PlanlintError,
    "The profile, or a setting overriding it, is not valid."
);
create_exception!(
    _planlint,
    BaselineError,
    PlanlintError,
    "The baseline report cannot be read."
);
create_exception!(
    _planlint,
    ContextError,
    PlanlintError,
    "The submission cannot be checked inside this city."
);
create_exception!(
    _planlint,
    RequestError,
    PlanlintError,
    "The request itself: a setting missing or not valid."
);

fn parse_lang(lang: &str) -> PyResult<Lang> {
    lang.parse::<Lang>()
        .map_err(|e| RequestError::new_err(format!("lang: {e}")))
}

/// The exception of a refused check: its class says what was refused, its message is the
/// command line's, and a plan's names the file (`file`) where it can.
fn raise(py: Python<'_>, e: Error, lang: Lang) -> PyErr {
    let message = e.message(lang);
    let err = match &e {
        Error::Plan(_) => PlanError::new_err(message),
        Error::Profile(_) => ProfileError::new_err(message),
        Error::Baseline(_) => BaselineError::new_err(message),
        Error::Context(_) => ContextError::new_err(message),
        Error::Request(_) => RequestError::new_err(message),
    };
    let file = match &e {
        Error::Plan(
            ReadError::Io(f, _)
            | ReadError::Parse(f, _)
            | ReadError::Unsupported(f)
            | ReadError::Crs(f, _),
        ) => Some(f.clone()),
        Error::Plan(ReadError::Settings(f, _)) => Some(format!("plan.toml {f}")),
        _ => None,
    };
    let _ = err.value(py).setattr("file", file);
    err
}

/// A JSON value as the Python object `json.loads` would make of it.
fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// The columns of the findings table: the flat finding row every tabular format shares.
const COLUMNS: [&str; 17] = crate::emit::row::COLUMNS;

/// A value as the JSON report writes it, as Python reads that back (`None` where the
/// report leaves the key out).
fn serialized<'py, T: serde::Serialize>(
    py: Python<'py>,
    v: Option<T>,
) -> PyResult<Bound<'py, PyAny>> {
    match v.map(serde_json::to_value) {
        Some(Ok(value)) => to_py(py, &value),
        _ => Ok(py.None().into_bound(py)),
    }
}

/// One Python string per distinct text, for the columns of a few values repeated on every
/// row (rule, severity, status, layer, unit, clause).
struct Interned<'py> {
    py: Python<'py>,
    strings: std::collections::HashMap<String, Bound<'py, PyString>>,
}

impl<'py> Interned<'py> {
    fn get(&mut self, s: &str) -> Bound<'py, PyString> {
        if let Some(v) = self.strings.get(s) {
            return v.clone();
        }
        let v = PyString::new(self.py, s);
        self.strings.insert(s.to_string(), v.clone());
        v
    }
}

/// A stage's name as the progress callback receives it.
fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Reading => "reading",
        Stage::Placing => "placing",
        Stage::Indexing => "indexing",
        Stage::Network => "network",
        Stage::Circle => "circle",
        Stage::Rules => "rules",
        Stage::Summarising => "summarising",
        Stage::Writing => "writing",
    }
}

/// A check's report, kept on the Rust side: the Python `Report` reads it through these
/// methods.
#[pyclass(frozen, module = "planlint._planlint")]
pub struct NativeReport {
    report: Report,
}

#[pymethods]
impl NativeReport {
    /// The report in a format (`json`, `html`, `csv`, `gpkg`…), speaking `lang`, as bytes.
    fn emit<'py>(
        &self,
        py: Python<'py>,
        format: &str,
        lang: &str,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let format: Format = format.parse().map_err(RequestError::new_err)?;
        let lang = parse_lang(lang)?;
        let mut out = Vec::new();
        py.detach(|| format.emitter(lang).emit(&mut out, &self.report))
            .map_err(|e| PlanlintError::new_err(e.to_string()))?;
        Ok(PyBytes::new(py, &out))
    }

    /// Writes the report in a format (`json`, `html`, `gpkg`…), speaking `lang`, to
    /// `path`, as the command's `-o` does: straight to the file, with no copy in Python.
    fn write(&self, py: Python<'_>, path: PathBuf, format: &str, lang: &str) -> PyResult<()> {
        let format: Format = format.parse().map_err(RequestError::new_err)?;
        let lang = parse_lang(lang)?;
        py.detach(|| -> PyResult<()> {
            // A file that cannot be made or written is an OSError, as Python's open() says.
            let os = |e: std::io::Error| {
                pyo3::exceptions::PyOSError::new_err(format!("{}: {e}", path.display()))
            };
            let mut w = std::io::BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(&path).map_err(os)?,
            );
            format
                .emitter(lang)
                .emit(&mut w, &self.report)
                .map_err(|e| PlanlintError::new_err(e.to_string()))?;
            std::io::Write::flush(&mut w).map_err(os)
        })
    }

    /// Each finding's subject geometry as WKB, in the order of the findings, moved into
    /// `crs` (none: the working CRS); `None` for a finding about the whole plan.
    #[pyo3(signature = (crs=None))]
    fn geometries<'py>(
        &self,
        py: Python<'py>,
        crs: Option<&str>,
    ) -> PyResult<Vec<Option<Bound<'py, PyBytes>>>> {
        let Some(shapes) = &self.report.geometry else {
            return Ok(vec![None; self.report.findings.len()]);
        };
        let to = match crs {
            Some(crs) => Some(
                Transformer::new(&CrsSpec::Proj(self.report.working_crs.clone()), crs)
                    .map_err(|e| RequestError::new_err(format!("crs {crs}: {e}")))?,
            ),
            None => None,
        };
        let wkbs: Vec<Option<Vec<u8>>> = py.detach(|| {
            self.report
                .findings
                .iter()
                .map(|f| {
                    let mut g = shapes.of_subject(&f.subject)?;
                    if let Some(t) = &to {
                        t.transform_geometry(&mut g);
                    }
                    let mut out = Vec::new();
                    crate::read::wkb::write(&g, &mut out);
                    Some(out)
                })
                .collect()
        });
        Ok(wkbs
            .into_iter()
            .map(|w| w.map(|w| PyBytes::new(py, &w)))
            .collect())
    }

    /// The findings as columns (name → list), with the values of the JSON report's
    /// findings: what `Report.findings` makes a DataFrame of, without writing and parsing
    /// the JSON.
    fn findings_columns<'py>(&self, py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyDict>> {
        let lang = parse_lang(lang)?;
        let mut words = Interned {
            py,
            strings: Default::default(),
        };
        let columns: Vec<Bound<'py, PyList>> = COLUMNS.iter().map(|_| PyList::empty(py)).collect();
        for f in &self.report.findings {
            let row = crate::emit::row::Row::of(f, lang);
            let text = |s: Option<&str>| match s {
                Some(s) => PyString::new(py, s).into_any(),
                None => py.None().into_bound(py),
            };
            let cells: [Bound<'py, PyAny>; 17] = [
                words.get(row.rule).into_any(),
                words.get(row.severity).into_any(),
                words.get(row.status).into_any(),
                words.get(row.subject_layer).into_any(),
                PyString::new(py, row.subject_id).into_any(),
                PyString::new(py, row.subject_name).into_any(),
                serialized(py, Some(row.measured))?,
                serialized(py, Some(row.required))?,
                words.get(row.unit).into_any(),
                row.need
                    .map_or_else(|| py.None().into_bound(py), |n| words.get(n).into_any()),
                serialized(py, row.deficit)?,
                text(row.missing_field),
                PyString::new(py, &row.message).into_any(),
                words.get(row.clause).into_any(),
                text(row.waived),
                row.baseline
                    .map_or_else(|| py.None().into_bound(py), |b| words.get(b).into_any()),
                serialized(py, (!row.details.is_empty()).then_some(row.details))?,
            ];
            for (column, cell) in columns.iter().zip(cells) {
                column.append(cell)?;
            }
        }
        let out = PyDict::new(py);
        for (name, column) in COLUMNS.iter().zip(columns) {
            out.set_item(name, column)?;
        }
        Ok(out)
    }

    /// The CRS the check measured in.
    #[getter]
    fn working_crs(&self) -> &str {
        &self.report.working_crs
    }
}

/// Checks a plan as `planlint check` does: `plan` a folder, a `.gpkg` or a PostgreSQL URI;
/// every setting left out comes from plan.toml. `overrides` are `RULE.KEY=VALUE`;
/// `progress` is called with each stage's name as it starts.
#[pyfunction]
#[pyo3(signature = (plan, *, profile=None, as_of=None, context=None, baseline=None, working_crs=None, overrides=Vec::new(), service_areas=false, lang=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn check(
    py: Python<'_>,
    plan: PathBuf,
    profile: Option<String>,
    as_of: Option<String>,
    context: Option<PathBuf>,
    baseline: Option<PathBuf>,
    working_crs: Option<String>,
    overrides: Vec<String>,
    service_areas: bool,
    lang: Option<&str>,
    progress: Option<Py<PyAny>>,
) -> PyResult<NativeReport> {
    let lang = lang.map_or_else(|| Ok(Lang::from_env()), parse_lang)?;
    let mut request = Request::plan(plan);
    request.profile = profile;
    request.as_of = as_of;
    request.context = context;
    request.baseline = baseline;
    request.working_crs = working_crs;
    request.overrides = overrides;
    request.options.service_areas = service_areas;
    if let Some(callback) = progress {
        request = request.progress(move |stage| {
            Python::attach(|py| {
                // A failing callback must not stop the check: Python prints what it raised.
                if let Err(e) = callback.call1(py, (stage_name(stage),)) {
                    e.print(py);
                }
            })
        });
    }
    let result = py.detach(|| request.run());
    match result {
        Ok(report) => Ok(NativeReport { report }),
        Err(e) => Err(raise(py, e, lang)),
    }
}

/// Fixes a plan as `planlint fix PLAN -o OUT` does: the fixed plan written to `out` with
/// remedies.geojson, remedies.csv and report.json; its report, and the command's exit
/// status (0: nothing fixable is left failing).
#[pyfunction]
#[pyo3(signature = (plan, out, *, profile=None, as_of=None, context=None, overrides=Vec::new(), select=Vec::new(), ignore=Vec::new(), time_limit=60.0, lang=None))]
#[allow(clippy::too_many_arguments)]
fn fix(
    py: Python<'_>,
    plan: PathBuf,
    out: PathBuf,
    profile: Option<String>,
    as_of: Option<String>,
    context: Option<PathBuf>,
    overrides: Vec<String>,
    select: Vec<String>,
    ignore: Vec<String>,
    time_limit: f64,
    lang: Option<&str>,
) -> PyResult<(NativeReport, u8)> {
    let lang = lang.map_or_else(|| Ok(Lang::from_env()), parse_lang)?;
    if !(time_limit.is_finite() && time_limit >= 0.0) {
        return Err(RequestError::new_err(format!(
            "time_limit {time_limit}: seconds, ≥ 0"
        )));
    }
    let mut request = Request::plan(plan);
    request.profile = profile;
    request.as_of = as_of;
    request.context = context;
    request.overrides = overrides;
    request.select = select;
    request.ignore = ignore;
    let result = py.detach(|| {
        let fixed = request.fix(&out, time_limit)?;
        fixed
            .write_outputs(&out, lang)
            .map_err(crate::pipeline::Error::Request)?;
        Ok::<_, crate::pipeline::Error>(fixed)
    });
    match result {
        Ok(fixed) => {
            let code = fixed.exit_code();
            Ok((
                NativeReport {
                    report: fixed.report,
                },
                code,
            ))
        }
        Err(e) => Err(raise(py, e, lang)),
    }
}

/// The built-in profiles as JSON: id, city, title, document, dates and each rule's
/// section (severity, clause, parameters).
#[pyfunction]
fn profiles_json() -> PyResult<String> {
    let mut out = Vec::new();
    for (id, text) in BUILTIN {
        let p = Profile::parse(id, text).map_err(|e| ProfileError::new_err(e.to_string()))?;
        let rules: serde_json::Map<String, serde_json::Value> = p
            .rules
            .iter()
            .map(|(rule, cfg)| {
                let params = serde_json::to_value(&cfg.params).unwrap_or_default();
                let mut v = serde_json::json!({"severity": cfg.severity.as_str(), "clause": p.cite(&cfg.clause)});
                if let (Some(o), serde_json::Value::Object(params)) = (v.as_object_mut(), params) {
                    o.extend(params);
                }
                (rule.clone(), v)
            })
            .collect();
        out.push(serde_json::json!({
            "id": p.id,
            "city": p.city,
            "city_en": p.city_en,
            "title": p.title,
            "title_en": p.title_en,
            "document": p.document,
            "issued": p.issued_date().map(|d| d.to_string()),
            "valid_until": p.valid_until_date().map(|d| d.to_string()),
            "rules": rules,
        }));
    }
    Ok(serde_json::Value::Array(out).to_string())
}

/// The language `lang` defaults to, as the command's `--lang` does: the locale's
/// (`LC_ALL`, `LC_MESSAGES`, `LANG`), Chinese when it starts with `zh`, else English.
#[pyfunction]
fn default_lang() -> &'static str {
    match Lang::from_env() {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// Every rule of the registry as JSON: id, titles, subject layer, what it checks,
/// documentation.
#[pyfunction]
fn rules_json() -> String {
    crate::rules::catalogue().to_string()
}

/// Waits, at most `seconds`, for a solver `fix` stopped waiting for at its deadline to
/// end its stage (the package calls it when the interpreter exits). Whether none is left.
#[pyfunction]
fn wait_for_solvers(py: Python<'_>, seconds: f64) -> bool {
    py.detach(|| crate::analysis::covering::wait_for_solvers(seconds))
}

#[pymodule]
fn _planlint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FINDING_COLUMNS", COLUMNS.to_vec())?;
    m.add(
        "FORMATS",
        crate::emit::FORMATS
            .iter()
            .map(|f| (f.name, f.extension))
            .collect::<Vec<_>>(),
    )?;
    m.add_class::<NativeReport>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(fix, m)?)?;
    m.add_function(wrap_pyfunction!(profiles_json, m)?)?;
    m.add_function(wrap_pyfunction!(rules_json, m)?)?;
    m.add_function(wrap_pyfunction!(default_lang, m)?)?;
    m.add_function(wrap_pyfunction!(wait_for_solvers, m)?)?;
    m.add("PlanlintError", py.get_type::<PlanlintError>())?;
    m.add("PlanError", py.get_type::<PlanError>())?;
    m.add("ProfileError", py.get_type::<ProfileError>())?;
    m.add("BaselineError", py.get_type::<BaselineError>())?;
    m.add("ContextError", py.get_type::<ContextError>())?;
    m.add("RequestError", py.get_type::<RequestError>())?;
    Ok(())
}
