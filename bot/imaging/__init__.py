"""Drawing: prompt parameters, image generators behind one protocol, and the draw flow."""
