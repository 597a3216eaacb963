// Stands in for react-devtools-core, which Ink imports only in development mode.
export default {initialize() {}, connectToDevTools() {}};
