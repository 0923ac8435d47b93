//! The five steps of the full form, one view each, in the order of
//! [`crate::model::Step::ALL`].

mod about;
mod answers;
mod privacy;
mod review;
mod topics;

pub use about::AboutStep;
pub use answers::AnswersStep;
pub use privacy::PrivacyStep;
pub use review::ReviewStep;
pub use topics::TopicsStep;
