pub mod code_action;
pub mod diagnostic;
pub mod document_state;
pub mod document_symbol;
pub mod folding_range;
pub mod initialize;
