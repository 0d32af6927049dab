//! Closed sets of choices with stable short names (activations, losses,
//! optimizers, ...): the values links write and the page's labels.

/// A closed set of choices with stable short names: the values written in
/// links (see `gradlab::engine::link`) and usable as UI labels.
pub trait Named: Copy + 'static {
    /// Every choice in display order; variants carrying parameters hold their
    /// defaults (the values a link gets when it names the variant but omits its
    /// parameter keys).
    const VARIANTS: &'static [Self];

    /// The short name, e.g. `"relu"`.
    fn name(self) -> &'static str;

    /// The choice called `name` (exact, case-sensitive), with default parameters.
    fn from_name(name: &str) -> Option<Self> {
        Self::VARIANTS.iter().copied().find(|v| v.name() == name)
    }
}
