//! Pure drawing logic: values to colours, RGBA pixel buffers, charts and the
//! network diagram's geometry. No web imports: everything here builds and is
//! tested natively; the `web` layer only blits what these functions produce
//! (one `put_image_data` per buffer) or hands plotters its canvas backend.
//!
//! Conventions shared by every painter:
//! - An image is a `&mut [u8]` of `w·h·4` bytes, RGBA, row-major, **row 0 is
//!   the top** of the picture, straight (not premultiplied) alpha: exactly
//!   the layout of a canvas `ImageData`.
//! - The data plane is in math orientation: x1 to the right, x2 **up**. A
//!   picture of `[−extent, extent]²` therefore has x2 = +extent in row 0.
//! - Painters never panic on data: a buffer that is too short is painted as
//!   far as it goes, a missing or NaN value is painted [`color::NAN_COLOR`]
//!   (magenta) so the bug is visible instead of hidden.
//!
//! Modules:
//! - [`color`]: the diverging value colour map, class colours, heatmaps.
//! - [`describe`]: the text alternatives of the pictures, with their values.
//! - [`points`]: data points as discs (train) and rings (test) over a plane.
//! - [`chart`]: loss/accuracy curves with plotters, for any `DrawingBackend`.
//! - [`network`]: geometry and edge styles of the network diagram.
//! - [`diagram`]: the network diagram's layout and captions.
//! - [`digits`]: 8×8 digit images.
//! - [`thumbnail`]: small data-set previews for the data-set picker.
//! - [`sparkline`]: tiny per-layer charts for the instruments table.
//! - [`layer_table`]: the cells of the instruments' live per-layer table.
//! - [`histogram`]: histograms over time, TensorBoard's offset view.
//! - [`lr_finder`]: the learning-rate finder's chart.
//! - [`cockpit`]: alpha per step and the top curvature against `2/lr`, over a run.
//! - [`landscape`]: the loss landscape's map and curve.
//! - [`try_fix`]: "try the fix": both experiments' training loss.
//! - [`saliency`]: input-gradient maps and arrows.
//! - [`frame_plan`]: what each animation frame trains and draws.

pub mod chart;
pub mod cockpit;
pub mod color;
pub mod describe;
pub mod diagram;
pub mod digits;
pub mod frame_plan;
pub mod histogram;
pub mod landscape;
pub mod layer_table;
pub mod lr_finder;
pub mod network;
pub mod points;
pub mod saliency;
pub mod sparkline;
pub mod thumbnail;
pub mod try_fix;
pub mod unit_math;
