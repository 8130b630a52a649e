//! hookbridge
