//! What the model and the links read from a run's options: the lint configuration, the boot
//! times and profiles given on the command line, and the YAML limits. Rule selection and
//! everything else the CLI knows stays out, so the model never depends on the driver.

use crate::config::Config;
use crate::parse::yaml::Limits;

#[derive(Clone, Copy, Debug)]
pub struct ModelOptions<'a> {
    pub config: &'a Config,
    /// `--boot-time SERVICE=DURATION`, in seconds.
    pub boot_times: &'a [(String, f64)],
    /// `--profile`: active Spring profiles where no workload says.
    pub profiles: &'a [String],
    pub limits: &'a Limits,
    /// The POMs read from the local Maven repository the user named, if any.
    pub local_poms: Option<&'a crate::maven_repo::LocalPoms>,
}
