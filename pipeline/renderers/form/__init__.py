"""Forms: inspect, fill (AcroForm or overlay), flatten, build ceri's own forms, read evaluations back."""
