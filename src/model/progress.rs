//! The stages of a check and the callback told of each, for a progress display.

use crate::text::Text;

/// The stages of a check, as a progress display names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    /// Fields mapped, features checked and moved into the working CRS.
    Placing,
    Indexing,
    Network,
    Circle,
    Rules,
    /// Findings sorted, the circle's summary, suggestions and map shapes gathered.
    Summarising,
    Writing,
}

impl Stage {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Stage::Reading => ("读取图层", "reading layers"),
            Stage::Placing => ("转换坐标", "placing features in the working CRS"),
            Stage::Indexing => ("建立空间索引", "indexing"),
            Stage::Network => ("构建步行路网", "building the walking network"),
            Stage::Circle => ("计算服务圈", "measuring the service circle"),
            Stage::Rules => ("检查规则", "checking the rules"),
            Stage::Summarising => ("汇总结果", "summarising"),
            Stage::Writing => ("写出报告", "writing the report"),
        };
        Text::new(zh, en)
    }
}

/// A callback told of each [`Stage`] as it starts.
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(Stage) + Send + Sync>);

impl Progress {
    /// Tells of `stage`.
    pub fn tell(&self, stage: Stage) {
        (self.0)(stage);
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}
