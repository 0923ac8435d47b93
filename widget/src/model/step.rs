//! The steps of the full form, in order, and which step shows the field at
//! a wire path (so an error from the core is shown where it can be fixed).

/// The steps of the full form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Topics,
    Answers,
    About,
    Privacy,
    Review,
}

impl Step {
    pub const ALL: [Self; 5] = [Self::Topics, Self::Answers, Self::About, Self::Privacy, Self::Review];

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        Self::ALL.get(self.index() + 1).copied().unwrap_or(self)
    }

    pub fn previous(self) -> Self {
        self.index().checked_sub(1).map_or(self, |i| Self::ALL[i])
    }

    /// The step's name in a form field or a URL.
    pub fn name(self) -> &'static str {
        &self.key()["step-".len()..]
    }

    /// The step a [`Step::name`] names.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The catalog key of the step's title.
    pub fn key(self) -> &'static str {
        match self {
            Self::Topics => "step-topics",
            Self::Answers => "step-answers",
            Self::About => "step-about",
            Self::Privacy => "step-privacy",
            Self::Review => "step-review",
        }
    }

    /// The step that shows the field at this wire path.
    pub fn of_path(path: &str) -> Self {
        if path == "answers" || (path.starts_with("answers[") && path.ends_with("].topic")) {
            Self::Topics
        } else if path.starts_with("answers") {
            Self::Answers
        } else if path.starts_with("consent") {
            Self::Privacy
        } else if path.starts_with("submitter") {
            Self::About
        } else {
            Self::Review
        }
    }
}
