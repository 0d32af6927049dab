//! Pure drawing logic (colours, heatmap pixels); filled in by the page issue.
