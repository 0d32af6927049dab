//! plotters-canvas's `CanvasBackend`, measuring text with the canvas.
//!
//! plotters measures a label (to lay out axes and legends) by default with
//! a `<span>` whose `style` attribute it sets, which the page's
//! Content-Security-Policy (`style-src 'self'`) refuses. [`MeasuredCanvas`]
//! draws exactly as `CanvasBackend` does and measures text with the 2-D
//! context's `measureText` instead, in the font `CanvasBackend` draws with.

use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A drawing or measuring error, as text (plotters-canvas keeps its own
/// error type private).
#[derive(Debug)]
pub struct CanvasFailure(String);

impl std::fmt::Display for CanvasFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanvasFailure {}

/// `CanvasBackend`'s result with its error as a [`CanvasFailure`].
fn lift<T, E: std::error::Error + Send + Sync>(
    result: Result<T, DrawingErrorKind<E>>,
) -> Result<T, DrawingErrorKind<CanvasFailure>> {
    result.map_err(|e| match e {
        DrawingErrorKind::DrawingError(inner) => DrawingErrorKind::DrawingError(CanvasFailure(inner.to_string())),
        DrawingErrorKind::FontError(font) => DrawingErrorKind::FontError(font),
    })
}

/// A `CanvasBackend` whose text sizes come from `measureText`.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

impl MeasuredCanvas {
    /// The backend for `canvas`, or None without a 2-D context.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<MeasuredCanvas> {
        let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
        let context = crate::dom::context(canvas);
        Some(MeasuredCanvas { inner, context })
    }
}

/// The CSS font `CanvasBackend::draw_text` sets for `style`.
fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str())
}

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = CanvasFailure;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.present())
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.draw_path(path, style))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.fill_polygon(vert, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.draw_circle(center, radius, style, fill))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasFailure>> {
        lift(self.inner.draw_text(text, style, pos))
    }

    /// Width from `measureText`; height the font's ascent plus descent
    /// (what a `<span>` of the text measures: its line box).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasFailure>> {
        self.context.save();
        self.context.set_font(&css_font(style));
        let measured = self.context.measure_text(text);
        self.context.restore();
        let metrics = measured.map_err(|e| DrawingErrorKind::DrawingError(CanvasFailure(format!("{e:?}"))))?;
        let height = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
        Ok((metrics.width().ceil() as u32, height.ceil() as u32))
    }
}
